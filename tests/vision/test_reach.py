"""Regions of interest and search tiles: geometry only."""

from __future__ import annotations

import numpy as np

from game.vision.reach import (
    ROI_MIN_PX,
    Region,
    box_iou,
    merge_boxes,
    roi_around,
    search_tiles,
)


def test_a_region_maps_its_sampled_points_back_to_the_frame() -> None:
    region = Region(100.0, 50.0, 80.0, 320)
    assert region.scale == 4.0
    pts = region.to_frame(np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 0.5], [0.5, 0.25, -0.1]]))
    np.testing.assert_allclose(pts[:, :2], [[100, 50], [180, 130], [140, 70]])
    assert abs(pts[1, 2] - 40.0) < 1e-5
    assert region.box_to_frame((0, 0, 320, 320)) == (100.0, 50.0, 180.0, 130.0)


def test_sampling_a_region_reads_the_right_pixels_and_pads_with_black() -> None:
    rgb = np.zeros((100, 200, 3), np.uint8)
    rgb[40:60, 150:170] = 255  # a white square
    out = Region(140.0, 30.0, 40.0, 160).sample(rgb)
    assert out.shape == (160, 160, 3)
    assert out[44:116, 44:116].min() > 250  # the square, 4x larger, in the middle
    assert out[:36].max() < 5 and out[124:].max() < 5
    off_frame = Region(180.0, 80.0, 40.0, 40).sample(rgb)
    assert off_frame[30:, :].max() == 0 and off_frame[:, 30:].max() == 0


def test_a_small_face_is_sampled_up_and_a_big_one_is_not_sampled_down_much() -> None:
    small = roi_around((300, 200, 348, 250), (1280, 720))
    assert small.size == ROI_MIN_PX and small.scale > 2
    big = roi_around((200, 100, 500, 450), (1280, 720))
    assert big.scale >= 0.7  # the model sees a 350 px face at >= 245 px


def test_tiles_cover_the_frame_with_overlap() -> None:
    for size, count in (((640, 480), 6), ((1280, 720), 15)):
        tiles = search_tiles(size)
        assert len(tiles) == count
        covered = np.zeros(size[::-1], bool)
        for t in tiles:
            covered[int(t.y0) : int(t.y0 + t.side), int(t.x0) : int(t.x0 + t.side)] = True
        assert covered.all()
    assert search_tiles((300, 300)) == []


def test_overlapping_finds_merge_into_the_best_one() -> None:
    a, b, c = (0.0, 0.0, 10.0, 10.0), (1.0, 1.0, 11.0, 11.0), (50.0, 50.0, 60.0, 60.0)
    assert box_iou(a, a) == 1.0 and box_iou(a, c) == 0.0
    assert merge_boxes([(0.5, a), (0.9, b), (0.7, c)]) == [(0.9, b), (0.7, c)]
