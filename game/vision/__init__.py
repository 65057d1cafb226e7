"""Camera sources, face tracking, features, the expression model, calibration and scoring.

The only package that imports mediapipe, cv2 and onnxruntime.
"""
