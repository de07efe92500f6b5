"""Drawing for notebooks: ``display`` renders tokens, claims and reports as HTML; ``diagrams``
draws sequence diagrams (with matplotlib, which the lean install leaves out, so this package
imports neither module by itself); ``palette`` holds the colour of each meaning, for every
picture, widget and terminal line.
"""
