//! Names heard in Togolese schools: Ewe, Mina, Kabyè and French given names, and surnames
//! from the south and the north of the country.

/// Boys' given names.
pub const BOYS: &[&str] = &[
    "Kossi", "Kodjo", "Komla", "Kokou", "Yao", "Koffi", "Kwami", "Mawuli", "Sena", "Edem", "Elom",
    "Dodzi", "Yawo", "Essowè", "Pakki", "Essozimna", "Tchilabalo", "Kpatcha", "Agbéko", "Messan",
    "Jean", "Pierre", "Emmanuel", "Joseph", "Paul", "Éric", "Daniel", "Samuel", "Fabrice", "Désiré",
    "Junior", "Prince", "Gildas", "Hervé", "Aimé", "Wisdom", "Séna", "Kafui", "Fousseni", "Abdou",
];

/// Girls' given names.
pub const GIRLS: &[&str] = &[
    "Afi", "Ablavi", "Akossiwa", "Adjoa", "Ama", "Yawa", "Dzifa", "Enyonam", "Sélom", "Akpéné",
    "Essi", "Mawusi", "Abla", "Kayi", "Elolo", "Délali", "Essowèda", "Pidénam", "Tchilalo", "Kafui",
    "Marie", "Grâce", "Esther", "Ruth", "Béatrice", "Florence", "Prisca", "Nadège", "Sandrine",
    "Christelle", "Rachelle", "Edwige", "Mariam", "Fati", "Aïcha", "Eyram", "Yayra", "Sitsofe",
];

/// Surnames.
pub const SURNAMES: &[&str] = &[
    "Agbodjan", "Amegan", "Kpodar", "Lawson", "Mensah", "Adjavon", "Akakpo", "Atsu", "Dogbe",
    "Gbadoe", "Amouzou", "Ayivi", "Fiadjoe", "Kpogo", "Tchalla", "Pali", "Bodjona", "Atcha", "Tchao",
    "Dossou", "Sossou", "Hounkpati", "Afeto", "Kokoroko", "Djagba", "Assih", "Bawa", "Alassani",
    "Ouro-Sama", "Tchedre", "Koumako", "Nabede", "Wiyao", "Padaro", "Kolani", "Sambiani", "Lamboni",
    "d'Almeida", "Olympio", "Johnson", "Agbenyo", "Adzoh", "Klutse", "Ahadji", "Ekoue", "Gaba",
    "Kouevi", "Sodji", "Tsogbe", "Azianu", "Edorh", "Agbemadon", "Amedome", "Badjo", "Tagba",
];

/// Towns of birth.
pub const TOWNS: &[&str] = &[
    "Lomé", "Lomé", "Lomé", "Tsévié", "Aného", "Kpalimé", "Atakpamé", "Sokodé", "Kara", "Dapaong",
    "Notsé", "Vogan", "Tabligbo", "Bassar", "Mango",
];
