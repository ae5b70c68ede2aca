"""`secreview bench`: review labelled datasets with several configurations and score them side by side."""
