# Checkov imports the Python checks of an external checks directory as a package.
