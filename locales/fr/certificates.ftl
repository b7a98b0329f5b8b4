# Documents scolaires : certificats, attestations, exeats, cartes d’élève, listes d’examen.
doc-title = Documents scolaires
doc-kind = Document
doc-kind-scolarite = Certificat de scolarité
doc-kind-inscription = Attestation d’inscription
doc-kind-exeat = Exeat (certificat de radiation)
doc-kind-carte = Carte d’élève
doc-number = N°
doc-issued-on = Délivré le
doc-state = État
doc-valid = Valide
doc-cancelled = Annulé
doc-none = Aucun document délivré.
doc-print = Imprimer
doc-cancel = Annuler
doc-cancel-reason = Motif de l’annulation
doc-cancelled-saved = Le document est annulé ; sa page de vérification l’indique.
doc-issued-list = Documents délivrés
doc-issue = Délivrer un document
doc-issue-button = Délivrer
doc-issued = { $kind } n° { $number } délivré. Imprimez-le depuis la liste.
doc-exeat-help = Pour un exeat, indiquez la date de départ et le motif ; l’établissement d’accueil est facultatif.
doc-exeat-balance = Il reste { $amount } à payer sur le compte de l’élève.
doc-left-on = Date de départ
doc-detail-reason = Motif
doc-detail-destination = Établissement d’accueil
doc-reason-move = Changement de résidence des parents
doc-reason-parents = Demande des parents
doc-reason-transfer = Transfert dans un autre établissement
doc-photo = Photo d’identité
doc-photo-of = Photo de { $name }
doc-no-photo = Pas encore de photo : la carte d’élève porte un cadre vide.
doc-photo-take = Photo (appareil ou fichier)
doc-photo-save = Enregistrer la photo
doc-photo-help = JPEG, PNG ou WebP, 10 Mo au plus. Elle est recadrée en 3 × 4.
doc-photo-saved = Photo enregistrée.
doc-desk-title = Documents scolaires
doc-desk-help = Certificats, attestations et cartes d’élève pour toute une classe, en un seul PDF à imprimer ; les listes de candidats aux examens ; le registre de tout ce qui a été délivré.
doc-desk-issued = Délivrés cette année
doc-desk-classes = Pour toute une classe
doc-desk-print-button = Préparer le PDF
doc-class-empty = Cette classe n’a pas d’élève.
doc-desk-exams = Listes de candidats aux examens
doc-candidates = { $count ->
    [one] { $count } candidat
   *[other] { $count } candidats
}
doc-candidates-missing = { $count ->
    [one] { $count } sans date ou lieu de naissance
   *[other] { $count } sans date ou lieu de naissance
}
doc-no-exams = Aucune classe d’examen cette année.
doc-register = Registre des documents
doc-register-search = Numéro, nom ou matricule
doc-verify-title = Vérification d’un document
doc-verify-valid = Document authentique, délivré par { $school }.
doc-verify-cancelled = Ce document a été annulé le { $date } ({ $reason }). Il n’est plus valable.
doc-verify-expired = Cette carte n’est plus valable : elle est d’une autre année, ou l’élève a quitté l’établissement.
doc-verify-unknown = Aucun document ne correspond à ce code. Il n’a pas été délivré par l’établissement, ou l’adresse a été modifiée.
error-doc-not-enrolled = L’élève n’est inscrit dans aucune classe cette année.
error-doc-left-future = La date de départ ne peut pas être dans le futur.
error-photo-too-large = La photo est trop grande (10 Mo et 8 000 pixels de côté au plus).
error-photo-broken = Ce fichier d’image est illisible.
error-photo-missing = Choisissez une photo.
job-kind-documents-class = Documents d’une classe
job-msg-doc-student = { $name }…
job-msg-doc-printing = Mise en page de { $count } documents…
# Sur le papier.
doc-title-scolarite = CERTIFICAT DE SCOLARITÉ
doc-title-inscription = ATTESTATION D’INSCRIPTION
doc-title-exeat = EXEAT
doc-signer-default = Le Directeur
doc-born = , { $sex ->
    [F] née
   *[other] né
} le { $date } à { $place }
doc-born-date = , { $sex ->
    [F] née
   *[other] né
} le { $date }
doc-body-scolarite = { $role } de l’établissement { $school } certifie que l’élève { $name }{ $born }, matricule { $matricule }, est { $sex ->
    [F] inscrite
   *[other] inscrit
} en classe de { $class } pour l’année scolaire { $year } et y suit régulièrement les cours.
doc-body-inscription = { $role } de l’établissement { $school } atteste que l’élève { $name }{ $born }, matricule { $matricule }, est { $sex ->
    [F] régulièrement inscrite
   *[other] régulièrement inscrit
} dans l’établissement en classe de { $class } pour l’année scolaire { $year }.
doc-body-exeat = { $role } de l’établissement { $school } certifie que l’élève { $name }{ $born }, matricule { $matricule }, { $sex ->
    [F] inscrite
   *[other] inscrit
} en classe de { $class } pour l’année scolaire { $year }, a quitté l’établissement le { $left }.
doc-closing-scolarite = En foi de quoi, le présent certificat lui est délivré pour servir et valoir ce que de droit.
doc-closing-inscription = En foi de quoi, la présente attestation lui est délivrée pour servir et valoir ce que de droit.
doc-closing-exeat = Le présent exeat lui est délivré pour lui permettre de poursuivre sa scolarité dans l’établissement de son choix.
doc-place-date = Fait à { $city }, le { $date }
doc-verify-qr = Scannez ce code pour vérifier l’authenticité du document.
doc-cancelled-notice = ANNULÉ le { $date } : { $reason }
doc-card-title = Carte d’élève
doc-card-year = Année
doc-card-born = Né(e) le
doc-card-class = Classe
doc-card-matricule = Matricule
doc-card-no-photo = Photo
doc-card-cancelled = ANNULÉE
# Listes d’examen.
exam-cepd = CEPD
exam-bepc = BEPC
exam-bac1 = BAC I
exam-bac2 = BAC II
exam-list-title = Liste des candidats au { $exam } — { $year }
exam-col-no = N°
exam-col-serie = Série
exam-col-school = Établissement
# Journal.
entity-school_document = Document scolaire
action-issue = délivrance
audit-school_document-issue = { $actor } a délivré { $kind } n° { $number } à { $student }.
audit-school_document-cancel = { $actor } a annulé { $kind } n° { $number } de { $student }.
doc-link = Documents et carte
nav-documents = Documents scolaires
doc-students-count = { $count ->
    [one] { $count } élève
   *[other] { $count } élèves
}
doc-desk-print-help = Chaque élève reçoit son numéro ; le PDF se prépare en arrière-plan, une barre montre où il en est.
doc-card-found = Carte trouvée ? Merci de la rapporter à l’établissement
doc-card-signature = Le Directeur
job-msg-doc-done = { $count ->
    [one] { $count } document prêt à imprimer.
   *[other] { $count } documents prêts à imprimer.
}
