"""FaceQuest: practise making facial expressions, scored from the webcam."""

__version__ = "0.1.0"
