"""Tables of the 改造项目 capability."""
