"""Tables of the 数据看板 capability."""
