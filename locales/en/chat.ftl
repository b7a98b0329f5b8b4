## Chat
nav-messages = Messages
chat-new = New conversation
chat-none = No conversations yet.
chat-unread = { $count ->
    [one] { $shown } unread message
   *[other] { $shown } unread messages
}
chat-who-help = You can write to the people the school connects you with: a parent to their children's teachers and to the administration, a teacher to the staff and to their students' parents.
chat-no-contacts = Nobody matches.
chat-older = Older messages
chat-read-by = Read by { $names }
chat-message = Message
chat-placeholder = Write your message…
chat-attach = Attach a photo or a PDF
chat-send = Send
chat-read-only = This channel is read-only.
chat-edited = (edited)
chat-deleted = Message deleted
chat-edit = Edit
chat-delete = Delete
chat-delete-confirm = Delete this message?
chat-report = Report
chat-report-reason = Reason for the report
chat-mute-day = Mute for 24 h
chat-reports = Reported messages
chat-author = Author
chat-reporter = Reported by
chat-no-reports = No reported messages.
chat-reported = Message reported to the administration.
chat-muted = This person cannot write here for 24 h.
chat-typing = { $name } is typing…
chat-quiet-hours = { $name } is in quiet hours until { $until }: your message will wait for them.
chat-class-channel = Class { $class }
chat-parents-channel = Parents of { $class }
chat-broadcast = School news
chat-error-not-found = This conversation does not exist or is not open to you.
chat-error-read-only = Only the administration writes in this channel.
chat-error-muted = A moderator muted you here until { $until }.
chat-error-empty = Write a message or attach a file.
chat-error-too-long = The message is longer than { $max } characters.
chat-error-file-too-big = The file is larger than 5 MB.
chat-error-file-type = Only photos (JPEG, PNG, WebP) and PDFs can be attached.
chat-error-too-late = A message cannot be edited after 5 minutes.
chat-error-too-fast = Too many messages at once: wait a few seconds.
chat-error-bad-event = Request not understood.

## Notifications
nav-notifications = Notifications
notif-bell = { $count ->
    [0] No unread notifications
    [one] { $shown } unread notification
   *[other] { $shown } unread notifications
}
notif-none = No notifications.
notif-read-all = Mark all as read
notif-prefs = Notification settings
notif-kind = Event
notif-kind-mark = Mark
notif-kind-absence = Absence
notif-kind-bulletin = Report card
notif-kind-payment = Payment
notif-kind-message = Message
notif-kind-announcement = Announcement
notif-kind-challenge = Challenge
notif-channel-in_app = In the portal
notif-channel-email = E-mail
notif-channel-push = On the phone
notif-quiet = Quiet hours
notif-quiet-help = During these hours nothing disturbs you: notifications wait for you, and people who write to you see it.
notif-quiet-from = From
notif-quiet-to = To
notif-mark = { $student }: { $mark }/{ $scale } in { $subject }.
notif-absence = { $student } absent on { $date }.
notif-late = { $student } late on { $date }: { $minutes }.
notif-bulletin-trimestre = { $student }'s report card for term { $n } is available.
notif-bulletin-semestre = { $student }'s report card for semester { $n } is available.
notif-payment = Payment of { $amount } FCFA received for { $student } (receipt { $receipt }).
notif-message = New message from { $author }.
notif-announcement = Announcement: { $title }
notif-challenge-won = Challenge "{ $title }" won by { $student }: the points are earned.
notif-challenge-over = Challenge "{ $title }" is over for { $student }: goal not reached this time.
error-time = Write a time such as 21:00.
error-quiet-same = Start and end must differ.
notif-quiet-from-example = 21:00
notif-quiet-to-example = 06:30
notif-email-subject = { $school } · { $kind }
notif-email-body = { $text }

    To see the details: { $link }

    — { $school }
chat-removed = Message removed from the conversation.
notif-devices = Notifications on this device
notif-devices-help = Get your notifications on this phone or computer, even with the portal closed. Then tick the “On the phone” column to choose which.
notif-devices-count = { $count ->
    [0] No device receives your notifications.
    [one] One device receives your notifications.
   *[other] { $count } devices receive your notifications.
}
notif-device-on = Turn on for this device
notif-device-off = Turn off for this device
notif-device-enabled = This device receives your notifications.
notif-device-denied = The browser blocks notifications: allow them in its site settings.
notif-device-unsupported = This browser cannot receive notifications (an https address is needed).
notif-device-failed = The device could not be subscribed. Try again later.
notif-devices-remove-all = Remove all my devices
notif-devices-removed = No device receives your notifications any more.
error-push-endpoint = The notification service's address is invalid.
error-push-keys = The device's keys are invalid.
notif-devices-confirm = Remove all your devices? They will no longer receive your notifications.
chat-contact-children = Parent of { $children }
chat-contact-subjects = Teaches { $subjects }
