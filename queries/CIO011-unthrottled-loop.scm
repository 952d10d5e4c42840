; CIO011 unthrottled-loop: not implemented yet.
