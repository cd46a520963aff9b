//! Signatures by region: a choropleth map of Kazakhstan's 20 first-level units, and the same
//! numbers as an accessible table.
//!
//! The geometry is `assets/regions/kz-regions.json`, built by `scripts/build-region-map` from
//! Natural Earth's 1:10m admin-1 layer (public domain) and GeoNames city positions (CC BY 4.0);
//! see `assets/regions/LICENSE.md`. That base map predates the 2022 reform: 14 oblasts are drawn
//! as shapes (East Kazakhstan, Almaty Region and Karaganda with their pre-2022 extent, Turkistan
//! with Shymkent inside it), while Astana, Almaty and Shymkent are circles at the cities, and
//! Abai, Jetisu and Ulytau are dashed circles at their administrative centres. The figure's
//! caption says so in the page's language.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::LazyLock;

use dauys_core::{Lang, Region};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

/// The built asset: one entry per region code.
const ASSET: &str = include_str!("../../assets/regions/kz-regions.json");

/// Fill of a region with no signatures.
const ZERO_FILL: &str = "#e6e6e6";
/// Sequential blues (ColorBrewer "Blues", light to dark) for counts above zero; the lightest
/// step is left out so that one signature stays distinguishable from none.
const PALETTE: [&str; 5] = ["#c6dbef", "#9ecae1", "#6baed6", "#2171b5", "#084594"];
/// Region borders and marker outlines.
const BORDER: &str = "#ffffff";
const MARKER_STROKE: &str = "#1f1f1f";
const TEXT: &str = "#1f1f1f";
const MARKER_RADIUS: f64 = 7.0;

#[derive(Deserialize)]
struct Asset {
    view_box: [u32; 4],
    units: BTreeMap<String, Unit>,
}

#[derive(Deserialize)]
#[serde(tag = "shape", rename_all = "lowercase")]
enum Unit {
    /// A boundary polygon, as SVG path data in view-box units.
    Path { d: String },
    /// A unit without its own polygon on this base map, drawn as a circle at a city.
    Circle { kind: MarkerKind, cx: f64, cy: f64 },
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
enum MarkerKind {
    /// A city of republican significance (Astana, Almaty, Shymkent), at the city.
    City,
    /// An oblast formed in 2022 (Abai, Jetisu, Ulytau), at its administrative centre; its
    /// territory is still inside its parent's drawn shape.
    NewRegion,
}

struct Geometry {
    view_box: String,
    /// In `Region::ALL` order.
    units: Vec<(Region, Unit)>,
}

static GEOMETRY: LazyLock<Geometry> = LazyLock::new(|| {
    let asset: Asset = serde_json::from_str(ASSET).expect("assets/regions/kz-regions.json is valid");
    let mut by_region: BTreeMap<Region, Unit> = asset
        .units
        .into_iter()
        .map(|(code, unit)| {
            let region =
                Region::from_str(&code).unwrap_or_else(|_| panic!("unknown region code {code:?} in map asset"));
            (region, unit)
        })
        .collect();
    let units: Vec<(Region, Unit)> = Region::ALL
        .iter()
        .map(|r| (*r, by_region.remove(r).unwrap_or_else(|| panic!("map asset lacks {}", r.code()))))
        .collect();
    for (region, unit) in &units {
        if let Unit::Path { d } = unit {
            assert!(is_plain_path_data(d), "path data of {} has characters HTML would escape", region.code());
        }
    }
    let [x, y, w, h] = asset.view_box;
    Geometry { view_box: format!("{x} {y} {w} {h}"), units }
});

/// Path data of commands, numbers, signs, dots, commas and spaces: nothing in it needs HTML
/// escaping, so pages write it as is. Escaping the 18 KB of path data character by character
/// took about a sixth of a page read's CPU (perf, `--bench petitions --signers 0`).
fn is_plain_path_data(d: &str) -> bool {
    d.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'.' | b',' | b'-'))
}

/// The palette step of `count` when the largest count is `max`: `None` for zero, else 0..=4 by
/// equal intervals of (0, max].
fn step(count: u64, max: u64) -> Option<usize> {
    if count == 0 || max == 0 {
        return None;
    }
    let n = PALETTE.len() as u128;
    let k = (u128::from(count.min(max)) * n).div_ceil(u128::from(max));
    Some(k as usize - 1)
}

fn fill(count: u64, max: u64) -> &'static str {
    step(count, max).map_or(ZERO_FILL, |k| PALETTE[k])
}

/// The counts each palette step stands for when the largest count is `max`: inclusive ranges,
/// with steps that no whole number falls into left out.
fn legend_steps(max: u64) -> Vec<(&'static str, u64, u64)> {
    let n = PALETTE.len() as u128;
    let bound = |k: u128| (u128::from(max) * k / n) as u64;
    (1..=n)
        .filter_map(|k| {
            let (lo, hi) = (bound(k - 1) + 1, bound(k));
            (lo <= hi).then(|| (PALETTE[k as usize - 1], lo, hi))
        })
        .collect()
}

fn count_of(counts: &BTreeMap<Region, u64>, region: Region) -> u64 {
    counts.get(&region).copied().unwrap_or(0)
}

/// A stable element id for a map, so that two maps on one page do not share ids (FNV-1a).
fn map_id(title: &str) -> String {
    let hash = title.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    format!("region-map-{:012x}", hash & 0xffff_ffff_ffff)
}

/// What the figure's caption says about the units the base map cannot draw as shapes. Kept
/// here rather than in the locale files because it describes this asset; move it if they grow.
fn note(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => {
            "Астана, Алматы және Шымкент қалалары шеңбермен көрсетілген. 2022 жылы құрылған Абай, Жетісу \
             және Ұлытау облыстары әкімшілік орталықтарында үзік сызықты шеңбермен белгіленген: карта \
             негізі 2022 жылдан бұрын жасалған, сондықтан олардың аумағы әлі Шығыс Қазақстан, Алматы \
             және Қарағанды облыстарының құрамында салынған."
        }
        Lang::Ru => {
            "Астана, Алматы и Шымкент показаны кругами. Области Абай, Жетісу и Ұлытау, образованные в \
             2022 году, отмечены пунктирными кругами в их административных центрах: основа карты старше \
             2022 года, поэтому их территория пока нарисована в составе Восточно-Казахстанской, \
             Алматинской и Карагандинской областей."
        }
        Lang::En => {
            "Astana, Almaty and Shymkent are shown as circles. Abai, Jetisu and Ulytau regions, formed in \
             2022, are marked by dashed circles at their administrative centres: the base map predates \
             2022, so their territory is still drawn as part of East Kazakhstan, Almaty and Karaganda \
             regions."
        }
    }
}

fn credit(lang: Lang) -> &'static str {
    match lang {
        Lang::Kk => "Шекаралар: Natural Earth (қоғамдық игілік). Қалалардың орны: GeoNames (CC BY 4.0).",
        Lang::Ru => "Границы: Natural Earth (общественное достояние). Положение городов: GeoNames (CC BY 4.0).",
        Lang::En => "Boundaries: Natural Earth (public domain). City positions: GeoNames (CC BY 4.0).",
    }
}

/// Which side of its circle a marker's label goes, so labels stay inside the view box and off
/// their neighbours.
fn label_on_left(region: Region) -> bool {
    matches!(region, Region::Abai | Region::Shymkent)
}

fn range_label(lo: u64, hi: u64) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}–{hi}")
    }
}

/// The choropleth: one shape or circle per region, filled by its count (light grey for none,
/// darker blue for more), each with a `<title>` "Name: N" in `lang`, a legend, and a caption that
/// explains the circles and credits the sources. `title` names the map for assistive technology
/// (`role="img"`, `aria-labelledby`); the same numbers belong in [`region_table`] beside it.
pub(crate) fn region_map(counts: &BTreeMap<Region, u64>, lang: Lang, title: &str) -> Markup {
    let geometry = &*GEOMETRY;
    let max = Region::ALL.iter().map(|r| count_of(counts, *r)).max().unwrap_or(0);
    let id = map_id(title);
    let title_id = format!("{id}-title");
    let label = |region: Region| format!("{}: {}", region.name().get(lang), count_of(counts, region));
    let legend = legend_steps(max);
    html! {
        figure class="region-map" {
            svg xmlns="http://www.w3.org/2000/svg" viewBox=(geometry.view_box) role="img"
                aria-labelledby=(title_id) id=(id) {
                title id=(title_id) { (title) }
                g class="region-map-shapes" stroke=(BORDER) stroke-width="1" stroke-linejoin="round" {
                    @for (region, unit) in &geometry.units {
                        @if let Unit::Path { d } = unit {
                            path d=(PreEscaped(d.as_str())) fill=(fill(count_of(counts, *region), max)) data-region=(region.code()) {
                                title { (label(*region)) }
                            }
                        }
                    }
                }
                // A white ring under each circle keeps it visible on a dark region.
                g class="region-map-halos" aria-hidden="true" fill="#ffffff" {
                    @for (_, unit) in &geometry.units {
                        @if let Unit::Circle { cx, cy, .. } = unit {
                            circle cx=(cx) cy=(cy) r=(MARKER_RADIUS + 2.0) {}
                        }
                    }
                }
                g class="region-map-markers" stroke=(MARKER_STROKE) stroke-width="1.5" {
                    @for (region, unit) in &geometry.units {
                        @if let Unit::Circle { kind, cx, cy } = unit {
                            circle cx=(cx) cy=(cy) r=(MARKER_RADIUS) fill=(fill(count_of(counts, *region), max))
                                stroke-dasharray=[(*kind == MarkerKind::NewRegion).then_some("3 2")]
                                data-region=(region.code()) {
                                title { (label(*region)) }
                            }
                        }
                    }
                }
                g class="region-map-labels" aria-hidden="true" font-family="sans-serif" font-size="12" fill=(TEXT)
                    stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke" {
                    @for (region, unit) in &geometry.units {
                        @if let Unit::Circle { cx, cy, .. } = unit {
                            @let left = label_on_left(*region);
                            @let x = if left { cx - MARKER_RADIUS - 3.0 } else { cx + MARKER_RADIUS + 3.0 };
                            text x=(format!("{x:.1}")) y=(format!("{:.1}", cy + 4.0))
                                text-anchor=(if left { "end" } else { "start" }) {
                                (region.name().get(lang))
                            }
                        }
                    }
                }
                g class="region-map-legend" aria-hidden="true" font-family="sans-serif" font-size="13" fill=(TEXT) {
                    @for (i, (colour, text)) in std::iter::once((ZERO_FILL, "0".to_owned()))
                        .chain(legend.iter().map(|(c, lo, hi)| (*c, range_label(*lo, *hi))))
                        .enumerate()
                    {
                        @let y = 16 + 20 * i;
                        rect x="16" y=(y) width="22" height="14" fill=(colour) stroke="#8c8c8c" stroke-width="0.5" {}
                        text x="46" y=(y + 12) { (text) }
                    }
                }
            }
            figcaption {
                (note(lang)) " " small { (credit(lang)) }
            }
        }
    }
}

/// All 20 regions with their counts, largest first (ties in `Region::ALL` order), as a table with
/// a caption and header cells; `headers` are the column labels (region, signatures) in the page's
/// language.
pub(crate) fn region_table(counts: &BTreeMap<Region, u64>, lang: Lang, caption: &str, headers: (&str, &str)) -> Markup {
    // Only regions with signatures: twenty rows of zeros say nothing the caption cannot.
    let mut rows: Vec<(Region, u64)> =
        Region::ALL.iter().map(|r| (*r, count_of(counts, *r))).filter(|(_, count)| *count > 0).collect();
    rows.sort_by_key(|(_, count)| std::cmp::Reverse(*count)); // stable: ties keep Region::ALL order
    html! {
        table class="region-table" {
            caption { (caption) }
            thead {
                tr {
                    th scope="col" { (headers.0) }
                    th scope="col" class="num" { (headers.1) }
                }
            }
            tbody {
                @for (region, count) in &rows {
                    tr data-region=(region.code()) {
                        th scope="row" { (region.name().get(lang)) }
                        td class="num" { (count) }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg_of(markup: &Markup) -> String {
        let html = markup.0.as_str();
        let start = html.find("<svg").expect("an svg element");
        let end = html.rfind("</svg>").expect("a closed svg element") + "</svg>".len();
        html[start..end].to_owned()
    }

    fn sample() -> BTreeMap<Region, u64> {
        Region::ALL.iter().enumerate().map(|(i, r)| (*r, (i as u64 * 37) % 11)).collect()
    }

    #[test]
    fn only_plain_path_data_is_written_unescaped() {
        assert!(is_plain_path_data("M10.5,20L-3 4.25Z m1 2"));
        for unsafe_data in ["M1 2\"/><script>", "M1 2&amp;", "M1'2", "M1<2"] {
            assert!(!is_plain_path_data(unsafe_data), "{unsafe_data}");
        }
    }

    #[test]
    fn every_region_has_a_shape_or_a_marker() {
        let geometry = &*GEOMETRY;
        assert_eq!(geometry.units.len(), Region::ALL.len());
        for (region, unit) in &geometry.units {
            match unit {
                Unit::Path { d } => assert!(d.starts_with('M') && d.len() > 50, "{}", region.code()),
                Unit::Circle { cx, cy, .. } => {
                    assert!((0.0..=1000.0).contains(cx) && (0.0..=560.0).contains(cy), "{}", region.code())
                }
            }
        }
        // The asset is the one LICENSE.md describes: 14 oblast shapes and six circles.
        let circles: Vec<_> = geometry
            .units
            .iter()
            .filter_map(|(r, u)| match u {
                Unit::Circle { kind, .. } => Some((*r, *kind)),
                Unit::Path { .. } => None,
            })
            .collect();
        assert_eq!(
            circles,
            vec![
                (Region::Abai, MarkerKind::NewRegion),
                (Region::Jetisu, MarkerKind::NewRegion),
                (Region::Ulytau, MarkerKind::NewRegion),
                (Region::Astana, MarkerKind::City),
                (Region::AlmatyCity, MarkerKind::City),
                (Region::Shymkent, MarkerKind::City),
            ]
        );
        let path_bytes: usize =
            geometry.units.iter().map(|(_, u)| if let Unit::Path { d } = u { d.len() } else { 0 }).sum();
        assert!(path_bytes < 60_000, "{path_bytes} bytes of path data");
    }

    #[test]
    fn the_svg_is_well_formed_xml_with_one_titled_element_per_region() {
        for lang in Lang::ALL {
            let markup = region_map(&sample(), lang, "Signatures <by> region & \"more\"");
            let svg = svg_of(&markup);
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{lang}: {e}"));
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg");
            assert_eq!(root.attribute("role"), Some("img"));
            let labelled_by = root.attribute("aria-labelledby").expect("aria-labelledby");
            for id in labelled_by.split(' ') {
                assert!(doc.descendants().any(|n| n.attribute("id") == Some(id)), "{id} is missing");
            }
            let title = root.children().find(|n| n.has_tag_name("title")).expect("svg title");
            assert_eq!(title.text(), Some("Signatures <by> region & \"more\""));
            let drawn: Vec<_> = doc
                .descendants()
                .filter(|n| n.has_tag_name("path") || n.has_tag_name("circle"))
                .filter_map(|n| n.attribute("data-region").map(str::to_owned))
                .collect();
            let mut expected: Vec<_> = Region::ALL.iter().map(|r| r.code().to_owned()).collect();
            let mut sorted = drawn.clone();
            sorted.sort();
            expected.sort();
            assert_eq!(sorted, expected, "{lang}: each region drawn exactly once");
        }
    }

    #[test]
    fn titles_carry_the_localized_name_and_the_count() {
        let mut counts = BTreeMap::new();
        counts.insert(Region::Abai, 1234);
        counts.insert(Region::AlmatyCity, 56789);
        counts.insert(Region::Karaganda, 7);
        for lang in Lang::ALL {
            let svg = svg_of(&region_map(&counts, lang, "t"));
            let doc = roxmltree::Document::parse(&svg).unwrap();
            let titles: BTreeMap<String, String> = doc
                .descendants()
                .filter(|n| n.has_attribute("data-region"))
                .map(|n| {
                    let t = n.children().find(|c| c.has_tag_name("title")).expect("a title per region");
                    (n.attribute("data-region").unwrap().to_owned(), t.text().unwrap().to_owned())
                })
                .collect();
            for region in Region::ALL {
                let expected = format!("{}: {}", region.name().get(lang), count_of(&counts, region));
                assert_eq!(titles[region.code()], expected);
            }
            assert_eq!(titles["almaty-city"], format!("{}: 56789", Region::AlmatyCity.name().get(lang)));
        }
    }

    #[test]
    fn the_largest_count_gets_the_darkest_fill_and_zero_is_grey() {
        let mut counts: BTreeMap<Region, u64> = Region::ALL.iter().map(|r| (*r, 3)).collect();
        counts.insert(Region::Pavlodar, 0);
        counts.insert(Region::Shymkent, 500);
        counts.insert(Region::Kostanay, 1000);
        let svg = svg_of(&region_map(&counts, Lang::En, "t"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let fill_of = |code: &str| {
            doc.descendants()
                .find(|n| n.attribute("data-region") == Some(code))
                .and_then(|n| n.attribute("fill"))
                .unwrap()
                .to_owned()
        };
        let darkest = PALETTE[PALETTE.len() - 1];
        assert_eq!(fill_of("kostanay"), darkest);
        assert_eq!(fill_of("pavlodar"), ZERO_FILL);
        assert_eq!(fill_of("akmola"), PALETTE[0]);
        assert_eq!(fill_of("shymkent"), PALETTE[2]);
        let darkest_users: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_attribute("data-region") && n.attribute("fill") == Some(darkest))
            .collect();
        assert_eq!(darkest_users.len(), 1);
        // A circle and a shape follow the same scale.
        counts.insert(Region::Kostanay, 1);
        let svg = svg_of(&region_map(&counts, Lang::En, "t"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let shymkent = doc.descendants().find(|n| n.attribute("data-region") == Some("shymkent")).unwrap();
        assert_eq!(shymkent.tag_name().name(), "circle");
        assert_eq!(shymkent.attribute("fill"), Some(darkest));
    }

    #[test]
    fn steps_and_legend_agree() {
        assert_eq!(step(0, 10), None);
        assert_eq!(step(0, 0), None);
        assert_eq!(step(1, 10), Some(0));
        assert_eq!(step(2, 10), Some(0));
        assert_eq!(step(3, 10), Some(1));
        assert_eq!(step(10, 10), Some(4));
        assert_eq!(step(u64::MAX, u64::MAX), Some(4));
        assert_eq!(step(1, u64::MAX), Some(0));
        for max in [1, 2, 3, 4, 5, 7, 10, 99, 1000, 123_457] {
            let legend = legend_steps(max);
            // The ranges cover 1..=max without gaps, each in the colour `step` gives its numbers.
            let mut next = 1;
            for (colour, lo, hi) in &legend {
                assert_eq!(*lo, next, "max {max}");
                assert!(lo <= hi);
                assert_eq!(fill(*lo, max), *colour, "max {max} lo {lo}");
                assert_eq!(fill(*hi, max), *colour, "max {max} hi {hi}");
                next = hi + 1;
            }
            assert_eq!(next, max + 1, "max {max}");
        }
        assert!(legend_steps(0).is_empty());
    }

    #[test]
    fn an_empty_map_is_all_grey_with_a_zero_legend() {
        let svg = svg_of(&region_map(&BTreeMap::new(), Lang::Kk, "Қолдар"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        assert!(doc
            .descendants()
            .filter(|n| n.has_attribute("data-region"))
            .all(|n| n.attribute("fill") == Some(ZERO_FILL)));
        let legend_texts: Vec<_> = doc
            .descendants()
            .filter(|n| {
                n.has_tag_name("text") && n.parent().and_then(|p| p.attribute("class")) == Some("region-map-legend")
            })
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(legend_texts, vec!["0"]);
    }

    #[test]
    fn ids_differ_between_maps_with_different_titles() {
        assert_ne!(map_id("a"), map_id("b"));
        assert_eq!(map_id("a"), map_id("a"));
    }

    #[test]
    fn the_table_lists_the_regions_with_signatures_by_count_descending() {
        let mut counts = BTreeMap::new();
        counts.insert(Region::Turkistan, 5);
        counts.insert(Region::Astana, 42);
        counts.insert(Region::Ulytau, 5);
        let markup = region_table(&counts, Lang::Ru, "Подписи по регионам", ("Регион", "Подписи"));
        let doc = roxmltree::Document::parse(&markup.0).expect("the table is well-formed");
        let table = doc.root_element();
        assert_eq!(table.tag_name().name(), "table");
        let caption = table.children().find(|n| n.has_tag_name("caption")).unwrap();
        assert_eq!(caption.text(), Some("Подписи по регионам"));
        let cols: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("th") && n.attribute("scope") == Some("col"))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(cols, vec!["Регион", "Подписи"]);
        let rows: Vec<(String, u64)> = doc
            .descendants()
            .filter(|n| n.has_tag_name("tr") && n.has_attribute("data-region"))
            .map(|tr| {
                let th = tr.children().find(|c| c.has_tag_name("th")).unwrap();
                assert_eq!(th.attribute("scope"), Some("row"));
                let td = tr.children().find(|c| c.has_tag_name("td")).unwrap();
                (th.text().unwrap().to_owned(), td.text().unwrap().parse().unwrap())
            })
            .collect();
        assert_eq!(rows.len(), 3, "regions without signatures are left out");
        assert_eq!(rows[0], (Region::Astana.name().get(Lang::Ru).to_owned(), 42));
        // Ties keep Region::ALL order: Turkistan before Ulytau.
        assert_eq!(rows[1], (Region::Turkistan.name().get(Lang::Ru).to_owned(), 5));
        assert_eq!(rows[2], (Region::Ulytau.name().get(Lang::Ru).to_owned(), 5));
        assert!(rows.windows(2).all(|w| w[0].1 >= w[1].1));
    }
}
