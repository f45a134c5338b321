//! Names of people, households and institutions, drawn so that no two are the same.

use crate::rng::Rng;
use std::collections::BTreeSet;

/// Given names of many origins (British, Irish, South Asian, East Asian, African, Caribbean,
/// European, Latin American, Middle Eastern), in ASCII so e-mail addresses stay simple.
#[rustfmt::skip]
pub(crate) const FIRST_NAMES: &[&str] = &[
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Emily", "Charlotte", "Thomas", "Sophie",
    "James", "Eleanor", "William", "Grace", "Edward", "Lucy", "Henry", "Alice", "Arthur", "Hannah", "Samuel",
    "Florence", "Daniel", "Rebecca", "Matthew", "Victoria", "Benjamin", "Rachel", "Christopher", "Catherine",
    "Andrew", "Joanna", "Siobhan", "Ciaran", "Niamh", "Declan", "Aoife", "Eoin", "Roisin", "Callum", "Fiona",
    "Alasdair", "Morag", "Euan", "Kirsty", "Rhys", "Carys", "Gareth", "Bethan", "Priya", "Arjun", "Ananya",
    "Rohan", "Kavya", "Vikram", "Aisha", "Imran", "Fatima", "Omar", "Zainab", "Hassan", "Nadia", "Tariq", "Sana",
    "Rahul", "Deepa", "Sanjay", "Meera", "Harpreet", "Gurpreet", "Manpreet", "Wei", "Mei", "Jun", "Li", "Hiroshi",
    "Yuki", "Kenji", "Aiko", "Min-jun", "Ji-woo", "Seo-yeon", "Thanh", "Linh", "Minh", "Chidi", "Ngozi", "Emeka",
    "Adaeze", "Kwame", "Ama", "Kofi", "Abena", "Tendai", "Thandiwe", "Sipho", "Zanele", "Femi", "Funmilayo",
    "Tunde", "Yetunde", "Marcus", "Jermaine", "Shanice", "Tyrone", "Keisha", "Andre", "Leroy", "Simone", "Mateo",
    "Valentina", "Santiago", "Camila", "Diego", "Lucia", "Javier", "Isabela", "Rafael", "Gabriela", "Joao",
    "Beatriz", "Tiago", "Ines", "Luca", "Giulia", "Marco", "Francesca", "Matteo", "Chiara", "Pierre", "Camille",
    "Julien", "Manon", "Antoine", "Chloe", "Lukas", "Lena", "Felix", "Hanna", "Maximilian", "Katrin", "Jakub",
    "Zofia", "Piotr", "Agnieszka", "Tomasz", "Magdalena", "Erik", "Astrid", "Lars", "Ingrid", "Sven", "Freya",
    "Mikhail", "Anastasia", "Dmitri", "Elena", "Yusuf", "Elif", "Emre", "Zeynep", "Karim", "Layla", "Rami",
    "Yasmin", "Dev", "Nikhil", "Ishaan", "Riya", "Noah", "Leah", "Ethan", "Naomi", "Aaron", "Miriam", "Nathan",
    "Esther",
];

/// Family names of many origins.
#[rustfmt::skip]
pub(crate) const LAST_NAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Hughes",
    "Edwards", "Harrison", "Lewis", "Bennett", "Fletcher", "Ashworth", "Pemberton", "Whitfield", "Hargreaves",
    "Lockwood", "Kingsley", "Marlow", "Thornton", "Blackwood", "Fairbairn", "Cunningham", "Sutherland", "MacLeod",
    "Campbell", "Fraser", "Robertson", "Stewart", "Murray", "Buchanan", "McKenzie", "Gallagher", "Byrne",
    "Doherty", "Kavanagh", "Brennan", "Quinn", "Walsh", "Murphy", "Ryan", "OConnor", "Llewellyn", "Pritchard",
    "Vaughan", "Morgan", "Patel", "Shah", "Mehta", "Sharma", "Gupta", "Kapoor", "Malhotra", "Iyer", "Nair",
    "Reddy", "Rao", "Desai", "Joshi", "Chopra", "Banerjee", "Chatterjee", "Sandhu", "Gill", "Dhillon", "Grewal",
    "Khan", "Hussain", "Ahmed", "Rahman", "Chaudhry", "Qureshi", "Siddiqui", "Malik", "Begum", "Mirza", "Chen",
    "Wang", "Zhang", "Liu", "Huang", "Zhao", "Lin", "Wong", "Cheung", "Leung", "Tanaka", "Suzuki", "Sato",
    "Nakamura", "Yamamoto", "Kim", "Park", "Lee", "Choi", "Nguyen", "Tran", "Pham", "Okafor", "Okonkwo", "Adeyemi",
    "Balogun", "Oyelaran", "Mensah", "Asante", "Boateng", "Owusu", "Mwangi", "Otieno", "Kamau", "Ndlovu",
    "Dlamini", "Moyo", "Banda", "Campbell-Reid", "Thomas", "Francis", "Clarke-Hinds", "Grant", "Bailey", "Reid",
    "Baptiste", "Joseph", "Garcia", "Rodriguez", "Martinez", "Fernandez", "Lopez", "Gonzalez", "Sanchez",
    "Ramirez", "Torres", "Morales", "Castillo", "Silva", "Santos", "Oliveira", "Pereira", "Costa", "Almeida",
    "Rossi", "Bianchi", "Romano", "Ferrari", "Colombo", "Ricci", "Moretti", "Dubois", "Laurent", "Moreau",
    "Lefebvre", "Girard", "Fontaine", "Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann",
    "Kowalski", "Nowak", "Wisniewski", "Lewandowski", "Zielinski", "Andersson", "Johansson", "Lindqvist",
    "Nilsson", "Hansen", "Larsen", "Virtanen", "Ivanov", "Petrov", "Sokolov", "Yilmaz", "Demir", "Kaya", "Celik",
    "Haddad", "Nasser", "Khoury", "Mansour", "Farouk", "Cohen", "Levy", "Friedman", "Rosen", "Goldberg",
    "Van Dijk", "De Vries", "Jansen", "Bakker", "Papadopoulos", "Georgiou", "Christodoulou", "OBrien",
    "Fitzgerald", "Sinclair", "Hamilton", "Dunbar", "Lindsay", "Greenwood", "Ellison", "Winterbottom",
    "Ramsbottom", "Hollingsworth", "Attenborough", "Kettering", "Oakley", "Holloway",
];

/// Hands out full names that have not been used before.
#[derive(Debug, Default)]
pub(crate) struct NameBook {
    used: BTreeSet<String>,
}

impl NameBook {
    /// A fresh "First Last" name.
    pub(crate) fn person(&mut self, rng: &mut Rng) -> (String, String) {
        loop {
            let first = *rng.pick(FIRST_NAMES);
            let last = *rng.pick(LAST_NAMES);
            let full = format!("{first} {}", display_last(last));
            if self.used.insert(full) {
                return (first.to_string(), display_last(last));
            }
        }
    }

    /// Claims `name` if it is free.
    pub(crate) fn claim(&mut self, name: String) -> Option<String> {
        self.used.insert(name.clone()).then_some(name)
    }
}

/// Restores the apostrophe dropped from the list so the list stays easy to slug.
fn display_last(last: &str) -> String {
    match last {
        "OConnor" => "O'Connor".to_string(),
        "OBrien" => "O'Brien".to_string(),
        other => other.to_string(),
    }
}

/// Lower-case ASCII letters and digits only, for e-mail local parts and domains.
pub(crate) fn slug(text: &str) -> String {
    text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// Like [`slug`] but words are joined by hyphens, for readable domains.
pub(crate) fn hyphen_slug(text: &str) -> String {
    let words: Vec<String> = text.split([' ', '-', '&']).map(slug).filter(|w| !w.is_empty()).collect();
    words.join("-")
}

/// A household or personal client name.
pub(crate) fn household(rng: &mut Rng, book: &mut NameBook) -> String {
    loop {
        let last = display_last(rng.pick::<&str>(LAST_NAMES));
        let first = *rng.pick(FIRST_NAMES);
        let name = match rng.weighted(&[0.62, 0.18, 0.1, 0.06, 0.04]) {
            0 => format!("{first} {last}"),
            1 => format!("{first} and {} {last}", rng.pick(FIRST_NAMES)),
            2 => format!("The {last} Family Trust"),
            3 => format!("Dr {first} {last}"),
            _ => format!("{last} Family Office"),
        };
        if let Some(n) = book.claim(name) {
            return n;
        }
    }
}

/// Coined words that read like the names of firms.
#[rustfmt::skip]
const BRAND_WORDS: &[&str] = &[
    "Aldgate", "Meridian", "Northgate", "Blackwater", "Silverline", "Harbourview", "Kestrel", "Summit", "Granite",
    "Ashford", "Bellwether", "Cobalt", "Driftwood", "Evergreen", "Fairhaven", "Goldcrest", "Highbury",
    "Ironbridge", "Juniper", "Keystone", "Larkspur", "Mariner", "Nightingale", "Oakmont", "Pinnacle", "Quayside",
    "Redwood", "Sterling", "Tidewater", "Upland", "Vantage", "Westbrook", "Yarrow", "Zenith", "Albion", "Beacon",
    "Cedar", "Dunmore", "Everest", "Falcon", "Gateway", "Heron", "Isis", "Jasper", "Kingfisher", "Lodestar",
    "Monarch", "Northstar", "Osprey", "Palisade", "Regent", "Sentinel", "Trident", "Unity", "Verity", "Wren",
    "Atlas", "Bridgewater", "Corinth", "Delphi", "Ember", "Fulcrum", "Halyard", "Lantern", "Magnolia", "Orchard",
    "Polaris", "Rowan", "Saffron", "Thistle", "Vireo", "Willow", "Anchorage", "Brightwater", "Calder", "Dovetail",
    "Elmstead",
];

const ASSET_MANAGER_SUFFIXES: &[&str] = &[
    "Asset Management",
    "Capital Partners",
    "Investment Managers",
    "Global Investors",
    "Fund Managers",
    "Capital Management",
];
const INSURER_SUFFIXES: &[&str] =
    &["Life Assurance", "Mutual Insurance", "Re", "General Insurance", "Life & Pensions", "Assurance Group"];
const BANK_SUFFIXES: &[&str] = &["Bank", "Trust Company", "Private Bank", "Banking Group", "Savings Bank"];
const PENSION_PATTERNS: &[&str] = &[
    "{} County Pension Fund",
    "{} State Pension Plan",
    "{} Firefighters' Pension Fund",
    "{} Police Pension Scheme",
    "{} University Retirement Plan",
    "{} Teachers' Retirement System",
    "{} Public Employees' Retirement System",
    "{} Local Government Pension Scheme",
    "{} Municipal Pension Plan",
    "{} Staff Superannuation Fund",
];
const SOVEREIGN_PATTERNS: &[&str] = &[
    "{} Investment Authority",
    "{} Sovereign Fund",
    "{} Future Generations Fund",
    "{} Reserve Fund",
    "{} Investment Corporation",
    "{} Strategic Investment Fund",
    "{} Permanent Fund",
    "{} Stabilisation Fund",
    "{} National Wealth Fund",
];

/// Places an institution of each region might be named after.
#[rustfmt::skip]
pub(crate) fn region_places(region: &str) -> &'static [&'static str] {
    match region {
        "North America" => &[
            "Ohio", "Oregon", "Texas", "Illinois", "Virginia", "Colorado", "Minnesota", "Ontario", "Alberta",
            "Quebec", "Manitoba", "Georgia", "Arizona", "Nevada", "Vermont", "Maryland", "Wisconsin", "Kentucky",
            "Missouri", "Iowa", "Kansas", "Utah", "Delaware", "Maine", "Montana", "Nebraska", "Idaho", "Tennessee",
        ],
        "EMEA" => &[
            "Yorkshire", "Kent", "Lancashire", "Hampshire", "Bavaria", "Hesse", "Flanders", "Zurich", "Geneva",
            "Lombardy", "Catalonia", "Andalusia", "Brabant", "Leinster", "Munster", "Jutland", "Uppsala", "Vienna",
            "Lyon", "Bordeaux", "Porto", "Lisbon", "Gothenburg", "Helsinki", "Oslo", "Dubai", "Riyadh", "Gauteng",
        ],
        "APAC" => &[
            "Victoria", "Queensland", "New South Wales", "Tasmania", "Auckland", "Canterbury", "Osaka", "Kyoto",
            "Hokkaido", "Kowloon", "Busan", "Incheon", "Penang", "Selangor", "Java", "Luzon", "Punjab", "Kerala",
            "Karnataka", "Gujarat", "Guangdong", "Shenzhen", "Taipei", "Bangkok", "Hanoi", "Singapore",
        ],
        _ => &[
            "Sao Paulo", "Minas Gerais", "Parana", "Bahia", "Jalisco", "Nuevo Leon", "Antioquia", "Cundinamarca",
            "Valparaiso", "Santiago", "Mendoza", "Cordoba", "Lima", "Arequipa", "Montevideo", "Panama", "Quito",
            "Guayaquil", "Monterrey", "Bogota", "Rosario", "Recife",
        ],
    }
}

/// Countries with sovereign funds, by region.
fn region_countries(region: &str) -> &'static [&'static str] {
    match region {
        "North America" => &["Alaska", "Alberta Heritage", "Wyoming", "New Mexico", "North Dakota", "Texas Permanent"],
        "EMEA" => &["Norway", "Qatar", "Kuwait", "Abu Dhabi", "Oman", "Bahrain", "Nigeria", "Ireland", "Kazakhstan"],
        "APAC" => &["Singapore", "Brunei", "Korea", "Timor-Leste", "Mongolia", "Malaysia", "Indonesia", "New Zealand"],
        _ => &["Chile", "Peru", "Colombia", "Trinidad", "Panama", "Guyana", "Mexico", "Brazil"],
    }
}

/// An institution's name for `segment` in `region`, unique within `book`.
pub(crate) fn institution(rng: &mut Rng, book: &mut NameBook, segment: &str, region: &str) -> String {
    for attempt in 0.. {
        let name = match segment {
            "pension fund" => rng.pick(PENSION_PATTERNS).replace("{}", rng.pick::<&str>(region_places(region))),
            "sovereign wealth" => {
                rng.pick(SOVEREIGN_PATTERNS).replace("{}", rng.pick::<&str>(region_countries(region)))
            }
            "insurer" => format!("{} {}", rng.pick(BRAND_WORDS), rng.pick(INSURER_SUFFIXES)),
            "bank" => {
                if rng.chance(0.5) {
                    format!("{} {}", rng.pick(region_places(region)), rng.pick(BANK_SUFFIXES))
                } else {
                    format!("{} {}", rng.pick(BRAND_WORDS), rng.pick(BANK_SUFFIXES))
                }
            }
            _ => {
                if rng.chance(0.5) {
                    format!("{} {}", rng.pick(BRAND_WORDS), rng.pick(ASSET_MANAGER_SUFFIXES))
                } else {
                    let (a, b) =
                        (display_last(rng.pick::<&str>(LAST_NAMES)), display_last(rng.pick::<&str>(LAST_NAMES)));
                    format!("{a} & {b} {}", rng.pick(ASSET_MANAGER_SUFFIXES))
                }
            }
        };
        // A rare exhausted pattern falls back to a numbered series rather than looping forever.
        let name = if attempt > 50 { format!("{name} {}", attempt - 49) } else { name };
        if let Some(n) = book.claim(name) {
            return n;
        }
    }
    unreachable!("the loop only ends by returning")
}
