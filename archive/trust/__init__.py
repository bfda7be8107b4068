"""One trust assembly for every command (anchors from the options, the local trust store and kyso.toml), and the local trust store itself."""
