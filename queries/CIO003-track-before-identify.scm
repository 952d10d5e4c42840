; CIO003 track-before-identify: not implemented yet.
