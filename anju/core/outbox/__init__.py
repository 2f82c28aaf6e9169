"""The outbox: every reminder Anju sends (staff digests by e-mail, residents' SMS), recorded first and
delivered later by a background task through a channel (`channels`), retried with back-off.

`services.message_queue` records a message (its due time moved out of quiet hours, nothing sent to an
address that opted out); `services.deliver_due` sends what is due. Composing a message belongs to
whoever knows its content (the dashboard's digest, the participation app's reply notice)."""
