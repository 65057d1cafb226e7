"""FaceQuest ui package."""
