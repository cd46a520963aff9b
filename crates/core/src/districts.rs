//! Names of districts, so that pages show "Есіл ауданы" rather than the identifier `esil`.
//!
//! A district is an identifier inside its region (`astana/esil`); the rules compare
//! identifiers only, so this table changes no count, deadline or eligibility. It names the
//! districts of the three cities of republican significance, as the akimats name them
//! (Kazakh, Russian, English); a district not listed here is shown by its identifier.

use crate::{DistrictId, LocalizedText, Region};

/// `(region, identifier, Kazakh, Russian, English)`.
const KNOWN: &[(Region, &str, &str, &str, &str)] = &[
    (Region::Astana, "almaty", "Алматы ауданы", "район Алматы", "Almaty district"),
    (Region::Astana, "baikonyr", "Байқоңыр ауданы", "район Байконур", "Baikonyr district"),
    (Region::Astana, "esil", "Есіл ауданы", "район Есиль", "Esil district"),
    (Region::Astana, "nura", "Нұра ауданы", "район Нура", "Nura district"),
    (Region::Astana, "saryarka", "Сарыарқа ауданы", "район Сарыарка", "Saryarka district"),
    (Region::AlmatyCity, "alatau", "Алатау ауданы", "Алатауский район", "Alatau district"),
    (Region::AlmatyCity, "almaly", "Алмалы ауданы", "Алмалинский район", "Almaly district"),
    (Region::AlmatyCity, "auezov", "Әуезов ауданы", "Ауэзовский район", "Auezov district"),
    (Region::AlmatyCity, "bostandyk", "Бостандық ауданы", "Бостандыкский район", "Bostandyk district"),
    (Region::AlmatyCity, "zhetysu", "Жетісу ауданы", "Жетысуский район", "Zhetysu district"),
    (Region::AlmatyCity, "medeu", "Медеу ауданы", "Медеуский район", "Medeu district"),
    (Region::AlmatyCity, "nauryzbay", "Наурызбай ауданы", "Наурызбайский район", "Nauryzbay district"),
    (Region::AlmatyCity, "turksib", "Түрксіб ауданы", "Турксибский район", "Turksib district"),
    (Region::Shymkent, "abay", "Абай ауданы", "Абайский район", "Abay district"),
    (Region::Shymkent, "al-farabi", "Әл-Фараби ауданы", "Аль-Фарабийский район", "Al-Farabi district"),
    (Region::Shymkent, "enbekshi", "Еңбекші ауданы", "Енбекшинский район", "Enbekshi district"),
    (Region::Shymkent, "karatau", "Қаратау ауданы", "Каратауский район", "Karatau district"),
    (Region::Shymkent, "turan", "Тұран ауданы", "Туранский район", "Turan district"),
];

/// The district's name in Kazakh, Russian and English, if it is one this table knows.
pub fn district_name(region: Region, district: &DistrictId) -> Option<LocalizedText> {
    KNOWN
        .iter()
        .find(|(r, id, ..)| *r == region && *id == district.as_str())
        .map(|(_, _, kk, ru, en)| LocalizedText::new(*kk, *ru, *en))
}

/// The districts this table names in `region`, as `(identifier, name)`, in table order.
pub fn known_districts(region: Region) -> impl Iterator<Item = (&'static str, LocalizedText)> {
    KNOWN.iter().filter(move |(r, ..)| *r == region).map(|(_, id, kk, ru, en)| (*id, LocalizedText::new(*kk, *ru, *en)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;
    use std::str::FromStr;

    #[test]
    fn every_listed_identifier_is_a_valid_district_and_listed_once() {
        let mut seen = std::collections::BTreeSet::new();
        for (region, id, kk, ru, en) in KNOWN {
            assert!(DistrictId::from_str(id).is_ok(), "{id}");
            assert!(seen.insert((region.code(), *id)), "{}/{id} twice", region.code());
            assert!(![kk, ru, en].iter().any(|n| n.trim().is_empty()), "{id}");
        }
        // The three cities of republican significance: 5, 8 and 5 districts.
        let count = |r| known_districts(r).count();
        assert_eq!((count(Region::Astana), count(Region::AlmatyCity), count(Region::Shymkent)), (5, 8, 5));
    }

    #[test]
    fn names_are_found_by_region_and_identifier() {
        let esil = DistrictId::from_str("esil").unwrap();
        assert_eq!(district_name(Region::Astana, &esil).unwrap().get(Lang::Kk), "Есіл ауданы");
        assert_eq!(district_name(Region::Astana, &esil).unwrap().get(Lang::Ru), "район Есиль");
        // Same identifier, another region: not this district.
        assert!(district_name(Region::AlmatyCity, &esil).is_none());
        assert!(district_name(Region::Akmola, &DistrictId::from_str("kokshetau").unwrap()).is_none());
    }
}
