#!/usr/bin/env python3
"""Fine-tune face-api.js's FaceExpressionNet end to end on the training faces (an experiment).

Issue 13 asked for a stronger pretrained face network. None ships its weights in a package we
may use, so this script measured the next thing: the one network we have (the MIT
FaceExpressionNet in `models/face_expression_net.onnx`), fine-tuned end to end on the three
sets' face patches with webcam-like augmentation (flip, roll up to 20 degrees, scale and shift,
30% downscaled to 24-56 px, contrast, brightness, gamma, noise, 25% a grey box over part of the
face), scored out of fold on the same 5 subject-wise folds as `game.training.cv`.

Result (2026-11-29, one H200; 7 classes, grey patches, mirror test-time augmentation): the
fine-tuned net alone reached children 0.72-0.79 / adults 0.62-0.68 / CK+ 0.93-0.95 over four
settings (the recipe's fused models: 0.794 / 0.708 / 0.975). Fused with the shipped recipe
as a fourth member it moved the children's calibrated accuracy 0.806 -> 0.806-0.810 and the
adults' 0.744 -> 0.749-0.754: its errors are the ones the other members make. Not adopted
(it would add PyTorch to training for a gain inside one split's noise). See
`game/training/model_history.md`.

Two steps, because the first needs the game's environment and the second PyTorch (a GPU
makes it minutes; on two CPU cores one epoch of one fold took 90 s):

    .venv/bin/python scripts/finetune_face_net.py prepare DATA_DIR ... OUT_DIR
    python3 scripts/finetune_face_net.py train OUT_DIR/data.npz OUT_DIR [quick]

`prepare` writes OUT_DIR/data.npz (grey 112x112 patches made by the game's own crop from the
cached observations, class indices, subject-wise folds) and OUT_DIR/faceapi_w.npz (the
network's weights, read from the ONNX file); `train` reads OUT_DIR/cfgs.json (a list of
settings: lr_body, lr_head, epochs, optional seeds, set_weight, pretrained, final) and writes
each setting's out-of-fold probabilities (oof_cK_sS.npz: P (N, 7), E (N, 256)). The patches
are images of research-only sets: keep OUT_DIR private and never commit it.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np


def prepare_main(argv: list[str]) -> int:
    import onnx
    from onnx import numpy_helper
    from sklearn.model_selection import GroupKFold

    from game.paths import MODELS_DIR
    from game.training.cv import class_order
    from game.training.dataset import load_folders
    from game.training.feature_cache import (
        FeatureCache,
        extract,
        file_sha256,
        pad_image,
        read_rgb,
    )
    from game.vision.face_crop import face_images

    *dirs, out = argv
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    data = extract(load_folders([Path(d) for d in dirs]), progress=False)
    grey = np.zeros((len(data), 112, 112), np.uint8)
    with FeatureCache() as cache:
        for i, path in enumerate(data.paths):
            obs = cache.get_observation(file_sha256(path))
            patch = face_images(pad_image(read_rgb(path)), obs.landmarks, obs.brightness).patch
            luma = patch.astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
            grey[i] = luma.round().clip(0, 255).astype(np.uint8)
    classes = class_order(data.labels)
    y = np.array([classes.index(label) for label in data.labels])
    folds = np.zeros(len(y), int)
    for k, (_, test) in enumerate(GroupKFold(5).split(y, y, data.subjects)):
        folds[test] = k
    np.savez_compressed(
        folder / "data.npz",
        grey=grey,
        y=y,
        folds=folds,
        classes=np.array(classes),
        datasets=np.array(data.datasets),
        subjects=np.array(data.subjects),
    )
    model = onnx.load(str(MODELS_DIR / "face_expression_net.onnx"))
    weights = {i.name.replace("/", "__"): numpy_helper.to_array(i) for i in model.graph.initializer}
    np.savez(folder / "faceapi_w.npz", **weights)
    print(f"wrote {folder / 'data.npz'} ({len(y)} faces) and {folder / 'faceapi_w.npz'}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("prepare", "train"):
        print(__doc__)
        return 2
    if argv[0] == "prepare":
        return prepare_main(argv[1:])
    global torch, nn, F
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    _define_modules()
    train_main(argv[1:])
    return 0


def _define_modules() -> None:
    global MEAN, Sep, Dense, Net

    MEAN = torch.tensor([122.782, 117.001, 104.298]).view(1, 3, 1, 1)

    class Sep(nn.Module):
        def __init__(self, w, p, cin, cout, stride):
            super().__init__()
            self.dw = nn.Conv2d(cin, cin, 3, stride, 0, groups=cin, bias=False)
            self.pw = nn.Conv2d(cin, cout, 1, 1, 0, bias=True)
            self.stride = stride
            if w is not None:
                self.dw.weight.data = torch.from_numpy(w[p + "__dw"]).float()
                self.pw.weight.data = torch.from_numpy(w[p + "__pw"]).float()
                self.pw.bias.data = torch.from_numpy(w[p + "__b"]).float()

        def forward(self, x):
            x = F.pad(x, (0, 1, 0, 1)) if self.stride == 2 else F.pad(x, (1, 1, 1, 1))
            return self.pw(self.dw(x))

    class Dense(nn.Module):
        def __init__(self, w, p, cin, cout, first):
            super().__init__()
            self.first = first
            if first:
                self.c0 = nn.Conv2d(cin, cout, 3, 2, 0)
                if w is not None:
                    self.c0.weight.data = torch.from_numpy(w[p + "__conv0__f"]).float()
                    self.c0.bias.data = torch.from_numpy(w[p + "__conv0__b"]).float()
            else:
                self.c0 = Sep(w, p + "__conv0", cin, cout, 2)
            self.c1 = Sep(w, p + "__conv1", cout, cout, 1)
            self.c2 = Sep(w, p + "__conv2", cout, cout, 1)
            self.c3 = Sep(w, p + "__conv3", cout, cout, 1)

        def forward(self, x):
            o1 = F.relu(self.c0(F.pad(x, (0, 1, 0, 1))) if self.first else self.c0(x))
            o2 = self.c1(o1)
            s12 = o1 + o2
            o3 = self.c2(F.relu(s12))
            s123 = s12 + o3
            o4 = self.c3(F.relu(s123))
            return F.relu(s123 + o4)

    class Net(nn.Module):
        """input: (N,3,112,112) float 0-255 RGB. outputs logits (N,7), embedding (N,256)."""

        def __init__(self, w, n_classes=7, dropout=0.3):
            super().__init__()
            ch = [3, 32, 64, 128, 256]
            self.blocks = nn.ModuleList(
                [Dense(w, f"dense{i}", ch[i], ch[i + 1], i == 0) for i in range(4)]
            )
            self.drop = nn.Dropout(dropout)
            self.fc = nn.Linear(256, n_classes)
            self.register_buffer("mean", MEAN.clone())
            if w is not None and n_classes == 7:
                perm = [0, 1, 2, 3, 6, 4, 5]  # face-api order -> ours
                self.fc.weight.data = torch.from_numpy(w["fc__w"].T[perm]).float()
                self.fc.bias.data = torch.from_numpy(w["fc__b"][perm]).float()

        def forward(self, x):
            x = (x - self.mean) / 255.0
            for b in self.blocks:
                x = b(x)
            e = x.mean(dim=(2, 3))
            return self.fc(self.drop(e)), e


def augment(x, g):
    """x: (B,1,112,112) float 0-255 on device. webcam-like augmentation."""
    B = x.shape[0]
    dev = x.device
    flip = torch.rand(B, device=dev) < 0.5
    x = torch.where(flip.view(B, 1, 1, 1), x.flip(3), x)
    ang = (torch.rand(B, device=dev) * 2 - 1) * math.radians(20)
    sc = 1 + (torch.rand(B, device=dev) * 2 - 1) * 0.1
    tx = (torch.rand(B, device=dev) * 2 - 1) * 0.08
    ty = (torch.rand(B, device=dev) * 2 - 1) * 0.08
    cos, sin = torch.cos(ang) / sc, torch.sin(ang) / sc
    theta = torch.stack([torch.stack([cos, -sin, tx], 1), torch.stack([sin, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    # fill with the patch's border mean to avoid black corners
    fill = x.mean(dim=(1, 2, 3), keepdim=True)
    x = F.grid_sample(x - fill, grid, align_corners=False, padding_mode="zeros") + fill
    # low resolution
    low = torch.rand(B, device=dev) < 0.3
    if low.any():
        s = int(np.random.choice([24, 32, 40, 56]))
        small = F.interpolate(x[low], size=(s, s), mode="area")
        x[low] = F.interpolate(small, size=(112, 112), mode="bilinear", align_corners=False)
    # light: contrast, brightness, gamma
    c = 1 + (torch.rand(B, 1, 1, 1, device=dev) * 2 - 1) * 0.35
    b = (torch.rand(B, 1, 1, 1, device=dev) * 2 - 1) * 35
    m = x.mean(dim=(2, 3), keepdim=True)
    x = ((x - m) * c + m + b).clamp(0, 255)
    gam = torch.exp((torch.rand(B, 1, 1, 1, device=dev) * 2 - 1) * 0.4)
    x = 255 * (x / 255).clamp(1e-4, 1) ** gam
    x = x + torch.randn_like(x) * (torch.rand(B, 1, 1, 1, device=dev) * 8)
    # small occluder (random erase) on 25%
    er = torch.rand(B, device=dev) < 0.25
    for i in torch.nonzero(er).flatten().tolist():
        h, w_ = np.random.randint(12, 32, 2)
        y0, x0 = np.random.randint(0, 112 - h), np.random.randint(0, 112 - w_)
        x[i, :, y0 : y0 + h, x0 : x0 + w_] = float(np.random.uniform(0, 255))
    return x.clamp(0, 255)


def to3(x):
    return x.expand(-1, 3, -1, -1)


def train_one(w, X, y, weights, cfg, dev, seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    net = Net(w if cfg.get("pretrained", True) else None, dropout=cfg.get("dropout", 0.3)).to(dev)
    head = list(net.fc.parameters())
    body = [p for n, p in net.named_parameters() if not n.startswith("fc.")]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": cfg["lr_body"]}, {"params": head, "lr": cfg["lr_head"]}],
        weight_decay=cfg.get("wd", 1e-3),
    )
    epochs = cfg["epochs"]
    bs = cfg.get("bs", 64)
    n = len(y)
    steps = epochs * math.ceil(n / bs)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[cfg["lr_body"], cfg["lr_head"]], total_steps=steps, pct_start=0.15
    )
    Xt = torch.from_numpy(X).float().unsqueeze(1).to(dev)
    yt = torch.from_numpy(y).long().to(dev)
    wt = torch.from_numpy(weights).float().to(dev)
    net.train()
    for _epoch in range(epochs):
        perm = torch.randperm(n, device=dev)
        for i in range(0, n, bs):
            idx = perm[i : i + bs]
            xb = augment(Xt[idx].clone(), None)
            logits, _ = net(to3(xb))
            loss = (
                F.cross_entropy(
                    logits, yt[idx], reduction="none", label_smoothing=cfg.get("ls", 0.1)
                )
                * wt[idx]
            ).sum() / wt[idx].sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    net.eval()
    return net


@torch.no_grad()
def predict(net, X, dev, tta=True):
    Xt = torch.from_numpy(X).float().unsqueeze(1).to(dev)
    outs, embs = [], []
    for i in range(0, len(Xt), 256):
        xb = to3(Xt[i : i + 256])
        logits, e = net(xb)
        p = F.softmax(logits, 1)
        if tta:
            l2, e2 = net(xb.flip(3))
            p = (p + F.softmax(l2, 1)) / 2
            e = (e + e2) / 2
        outs.append(p.cpu())
        embs.append(e.cpu())
    return torch.cat(outs).numpy(), torch.cat(embs).numpy()


def train_main(argv):
    z = np.load(argv[0])
    out = argv[1]
    quick = len(argv) > 2
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    w = dict(np.load(argv[0].replace("data.npz", "faceapi_w.npz")))
    X = z["grey"]
    y = z["y"]
    folds = z["folds"]
    ds = z["datasets"]
    # balance data sets: each set's total weight equal-ish (children count most: the game's
    # population)
    weights = np.ones(len(y), np.float32)
    cfgs = json.loads(Path(argv[0].replace("data.npz", "cfgs.json")).read_text())
    if quick:
        cfgs = cfgs[:1]
        cfgs[0]["epochs"] = 1
    results = {}
    for ci, cfg in enumerate(cfgs):
        for s in range(cfg.get("seeds", 1)):
            t0 = time.time()
            P = np.zeros((len(y), 7), np.float32)
            E = np.zeros((len(y), 256), np.float32)
            for k in range(folds.max() + 1):
                tr, te = folds != k, folds == k
                wts = weights.copy()
                for name, f in cfg.get("set_weight", {}).items():
                    wts[ds == name] *= f
                net = train_one(w, X[tr], y[tr], wts[tr], cfg, dev, seed=s * 100 + k)
                P[te], E[te] = predict(net, X[te], dev)
                if quick:
                    break
            acc = {d: float((P[ds == d].argmax(1) == y[ds == d]).mean()) for d in np.unique(ds)}
            print(ci, s, cfg, acc, f"{time.time() - t0:.0f}s", flush=True)
            np.savez_compressed(f"{out}/oof_c{ci}_s{s}.npz", P=P, E=E.astype(np.float16))
            results[f"c{ci}_s{s}"] = {"cfg": cfg, "acc": acc}
        if cfg.get("final", False) and not quick:
            wts = weights.copy()
            for name, f in cfg.get("set_weight", {}).items():
                wts[ds == name] *= f
            net = train_one(w, X, y, wts, cfg, dev, seed=999).cpu().eval()
            np.savez(
                f"{out}/final_c{ci}.npz", **{k: v.numpy() for k, v in net.state_dict().items()}
            )
            try:

                class Wrap(nn.Module):
                    def __init__(self, n):
                        super().__init__()
                        self.n = n

                    def forward(self, image):
                        logits, e = self.n(image)
                        return F.softmax(logits, 1), e

                torch.onnx.export(
                    Wrap(net),
                    torch.zeros(1, 3, 112, 112),
                    f"{out}/final_c{ci}.onnx",
                    input_names=["image"],
                    output_names=["probabilities", "embedding"],
                    dynamic_axes={"image": {0: "N"}},
                    opset_version=13,
                    dynamo=False,
                )
            except Exception as exc:
                print("onnx export failed", exc)
    Path(f"{out}/results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
