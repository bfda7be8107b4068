"""What a viewer displays: pages rendered with PDFium, as Chrome and most Vietnamese desktop
viewers draw them (forms drawn), for the rendered comparison of signed revisions and the overlap
finding. ``pages`` renders; the modules that compare build on it."""
