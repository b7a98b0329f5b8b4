# Text messages
nav-sms = SMS
sms-title = Text messages
sms-provider = Provider: { $name }
sms-none = No SMS provider is configured: text messages are not sent.
sms-used = { $used } segments sent this month out of a budget of { $budget }
sms-used-label = This month's SMS budget used
sms-budget = Monthly budget (160-character segments)
sms-daily = Text messages per person per day, at most
sms-limits = Monthly budget: { $budget } segments · at most { $daily } messages per person per day.
sms-latest = Latest messages
sms-when = Date
sms-to = To
sms-text = Text
sms-segments = Segments
sms-state = State
sms-state-sent = Sent
sms-state-waiting = Waiting
sms-state-failed = Refused by the provider
sms-reset-hidden = Reset code (hidden)
sms-no-messages = No text message yet.
sms-settings-saved = SMS settings saved.
sms-error-budget = Enter a number of segments between 0 and 1,000,000.
sms-error-daily = Enter a number between 1 and 50.
sms-budget-spent = This month's SMS budget is spent: no more text messages go until next month.
notif-kind-system = School
notif-channel-sms = SMS
sms-pay-code = Mobile money payment code quoted in reminders
sms-pay-code-example = E.g. Flooz *155*4*1234# · T-Money *145*3*1234#
reminder-sms = { $school }: { $child } has { $amount } of school fees overdue since { $since }. Pay by Flooz or T-Money from the portal, or at the desk.
reminder-sms-code = { $school }: { $child } has { $amount } of school fees overdue since { $since }. Pay by mobile money ({ $code }) or at the desk.
reminder-send = Remind by SMS
reminder-send-all = { $count ->
    [one] Remind the family on the list by SMS
   *[other] Remind the { $count } families on the list by SMS
}
reminder-confirm = Send a reminder text message to the parents concerned?
reminder-last = reminded on { $date }
reminder-done = Reminders: { $sent } text messages sent, { $recent } families already reminded this week, { $nophone } without a phone, { $refused } refused (budget or cap).
reminder-no-sms = No SMS provider is configured: reminders cannot go.
entity-fee_reminder = Fees reminder
action-send = sending
audit-fee_reminder-send = { $actor } sent { $count } fees reminder text messages.
