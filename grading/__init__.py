"""The course's grading command and the pieces nbgrader_config.py plugs into nbgrader."""
