"""What a viewer displays: pages rendered with PDFium, as Chrome and most Vietnamese desktop
viewers draw them (forms drawn), for the rendered comparison of signed revisions and the overlap
finding. ``pages`` renders; ``touched`` says which pages a later revision can have changed;
``compare`` draws each signed revision beside the final document and returns the regions that
differ outside what the caller explains."""
