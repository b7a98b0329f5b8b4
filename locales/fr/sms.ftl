# Text messages
nav-sms = SMS
sms-title = SMS
sms-provider = Prestataire : { $name }
sms-none = Aucun prestataire SMS n’est configuré : les SMS ne partent pas.
sms-used = { $used } segments envoyés ce mois-ci sur un budget de { $budget }
sms-used-label = Budget SMS du mois utilisé
sms-budget = Budget mensuel (segments de 160 caractères)
sms-daily = SMS par personne et par jour, au plus
sms-limits = Budget mensuel : { $budget } segments · au plus { $daily } SMS par personne et par jour.
sms-latest = Derniers SMS
sms-when = Date
sms-to = Destinataire
sms-text = Texte
sms-segments = Segments
sms-state = État
sms-state-sent = Envoyé
sms-state-waiting = En attente
sms-state-failed = Refusé par l’opérateur
sms-reset-hidden = Code de réinitialisation (masqué)
sms-no-messages = Aucun SMS pour l’instant.
sms-settings-saved = Réglages SMS enregistrés.
sms-error-budget = Indiquez un nombre de segments entre 0 et 1 000 000.
sms-error-daily = Indiquez un nombre entre 1 et 50.
sms-budget-spent = Le budget SMS du mois est épuisé : les SMS ne partent plus jusqu’au mois prochain.
notif-kind-system = École
notif-channel-sms = SMS
sms-pay-code = Code de paiement mobile money cité dans les rappels
sms-pay-code-example = Ex. : Flooz *155*4*1234# · T-Money *145*3*1234#
reminder-sms = { $school } : { $child } a { $amount } de frais scolaires échus depuis le { $since }. Payez par Flooz ou T-Money depuis le portail, ou à la caisse.
reminder-sms-code = { $school } : { $child } a { $amount } de frais scolaires échus depuis le { $since }. Payez par mobile money ({ $code }) ou à la caisse.
reminder-send = Relancer par SMS
reminder-send-all = { $count ->
    [one] Relancer par SMS la famille de la liste
   *[other] Relancer par SMS les { $count } familles de la liste
}
reminder-confirm = Envoyer un SMS de rappel aux parents concernés ?
reminder-last = relancé le { $date }
reminder-done = Rappels : { $sent } SMS envoyés, { $recent } familles déjà relancées cette semaine, { $nophone } sans téléphone, { $refused } refusés (budget ou plafond).
reminder-no-sms = Aucun prestataire SMS n’est configuré : les rappels ne peuvent pas partir.
entity-fee_reminder = Rappel de frais
action-send = envoi
audit-fee_reminder-send = { $actor } a envoyé { $count } SMS de rappel de frais.
