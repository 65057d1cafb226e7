"""Pure game logic: level sets, trial and session state machines, prompting, rewards.

No pygame, no mediapipe, no clock reads: readings and `now_ms` are passed in.
"""
