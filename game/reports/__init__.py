"""FaceQuest reports package."""
