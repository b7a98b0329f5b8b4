## Chat
nav-messages = Messages
chat-new = Nouvelle conversation
chat-none = Aucune conversation pour l’instant.
chat-unread = { $count ->
    [one] { $shown } message non lu
   *[other] { $shown } messages non lus
}
chat-who-help = Vous pouvez écrire aux personnes que l’école vous relie : un parent aux enseignants de ses enfants et à l’administration, un enseignant au personnel et aux parents de ses élèves.
chat-no-contacts = Personne ne correspond.
chat-older = Messages plus anciens
chat-read-by = Lu par { $names }
chat-message = Message
chat-placeholder = Écrivez votre message…
chat-attach = Joindre une photo ou un PDF
chat-send = Envoyer
chat-read-only = Ce canal est en lecture seule.
chat-edited = (modifié)
chat-deleted = Message supprimé
chat-edit = Modifier
chat-delete = Supprimer
chat-delete-confirm = Supprimer ce message ?
chat-report = Signaler
chat-report-reason = Motif du signalement
chat-mute-day = Rendre muet 24 h
chat-reports = Messages signalés
chat-author = Auteur
chat-reporter = Signalé par
chat-no-reports = Aucun message signalé.
chat-reported = Message signalé à l’administration.
chat-muted = La personne ne peut plus écrire ici pendant 24 h.
chat-typing = { $name } écrit…
chat-quiet-hours = { $name } est en heures calmes jusqu’à { $until } : votre message l’attendra.
chat-class-channel = Classe { $class }
chat-parents-channel = Parents de la { $class }
chat-broadcast = Informations de l’école
chat-error-not-found = Cette conversation n’existe pas ou ne vous est pas ouverte.
chat-error-read-only = Seule l’administration écrit dans ce canal.
chat-error-muted = Un modérateur vous a rendu muet ici jusqu’au { $until }.
chat-error-empty = Écrivez un message ou joignez un fichier.
chat-error-too-long = Le message dépasse { $max } caractères.
chat-error-file-too-big = Le fichier dépasse 5 Mo.
chat-error-file-type = Seules les photos (JPEG, PNG, WebP) et les PDF peuvent être joints.
chat-error-too-late = Un message ne peut plus être modifié après 5 minutes.
chat-error-too-fast = Trop de messages d’un coup : patientez quelques secondes.
chat-error-bad-event = Demande incomprise.

## Notifications
nav-notifications = Notifications
notif-bell = { $count ->
    [0] Aucune notification non lue
    [one] { $shown } notification non lue
   *[other] { $shown } notifications non lues
}
notif-none = Aucune notification.
notif-read-all = Tout marquer comme lu
notif-prefs = Préférences de notification
notif-kind = Événement
notif-kind-mark = Note
notif-kind-absence = Absence
notif-kind-bulletin = Bulletin
notif-kind-payment = Paiement
notif-kind-message = Message
notif-kind-announcement = Annonce
notif-kind-challenge = Défi
notif-channel-in_app = Dans le portail
notif-channel-email = E-mail
notif-channel-push = Sur le téléphone
notif-quiet = Heures calmes
notif-quiet-help = Pendant ces heures, rien ne vous dérange : les notifications vous attendent, et ceux qui vous écrivent le voient.
notif-quiet-from = De
notif-quiet-to = À
notif-mark = { $student } : { $mark }/{ $scale } en { $subject }.
notif-absence = Absence de { $student } le { $date }.
notif-late = Retard de { $student } le { $date } : { $minutes }.
notif-bulletin-trimestre = Bulletin du { $n ->
    [1] 1er
   *[other] { $n }e
} trimestre de { $student } disponible.
notif-bulletin-semestre = Bulletin du { $n ->
    [1] 1er
   *[other] { $n }e
} semestre de { $student } disponible.
notif-payment = Paiement de { $amount } FCFA reçu pour { $student } (reçu { $receipt }).
notif-message = Nouveau message de { $author }.
notif-announcement = Annonce : { $title }
notif-challenge-won = Défi « { $title } » réussi par { $student } : les points sont gagnés.
notif-challenge-over = Défi « { $title } » terminé pour { $student } : objectif non atteint cette fois.
error-time = Écrivez une heure comme 21h00.
error-quiet-same = Le début et la fin doivent différer.
notif-quiet-from-example = 21h00
notif-quiet-to-example = 06h30
notif-email-subject = { $school } · { $kind }
notif-email-body = { $text }

    Pour voir le détail : { $link }

    — { $school }
chat-removed = Message supprimé de la conversation.
notif-devices = Notifications sur cet appareil
notif-devices-help = Recevez vos notifications sur ce téléphone ou cet ordinateur, même portail fermé. Cochez ensuite la colonne « Sur le téléphone » pour choisir lesquelles.
notif-devices-count = { $count ->
    [0] Aucun appareil ne reçoit vos notifications.
    [one] Un appareil reçoit vos notifications.
   *[other] { $count } appareils reçoivent vos notifications.
}
notif-device-on = Activer sur cet appareil
notif-device-off = Désactiver sur cet appareil
notif-device-enabled = Cet appareil reçoit vos notifications.
notif-device-denied = Le navigateur refuse les notifications : autorisez-les dans ses réglages du site.
notif-device-unsupported = Ce navigateur ne sait pas recevoir de notifications (il faut une adresse https).
notif-device-failed = L’appareil n’a pas pu être abonné. Réessayez plus tard.
notif-devices-remove-all = Retirer tous mes appareils
notif-devices-removed = Plus aucun appareil ne reçoit vos notifications.
error-push-endpoint = L’adresse du service de notification est invalide.
error-push-keys = Les clés de l’appareil sont invalides.
notif-devices-confirm = Retirer tous vos appareils ? Ils ne recevront plus vos notifications.
chat-contact-children = Parent de { $children }
chat-contact-subjects = Enseigne : { $subjects }
