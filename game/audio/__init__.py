"""FaceQuest audio package."""
