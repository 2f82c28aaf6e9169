"""Tables of the 意见征求与表决 capability."""
