"""FaceQuest training package."""
