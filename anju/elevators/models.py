"""Tables of the 加装电梯 capability."""
