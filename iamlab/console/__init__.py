"""The in-browser console over a learner's workspace, and the policy playground."""
