"""How files come in: the watched inbox, atomic claims, the watcher and its supervised workers."""
