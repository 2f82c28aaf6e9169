"""Tables of the 共建共治 capability."""
