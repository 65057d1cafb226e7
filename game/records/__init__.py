"""FaceQuest records package."""
