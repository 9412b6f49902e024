//! Every parser and validator of user input returns, never panics, on any input.

use proptest::prelude::*;
use tocsin_domain::{Locale, Roles, TrackingNumber, validate};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic(s in any::<String>()) {
        let _ = s.parse::<TrackingNumber>();
        let _ = Locale::negotiate(&s);
        let _ = Locale::from_tag(&s);
        let _ = Roles::from_csv(&s);
        let _ = s.parse::<tocsin_domain::OrgKind>();
        let _ = validate::email(&s);
        let _ = validate::required_text(&s, 10);
        let _ = validate::password(&s);
        let _ = tocsin_domain::Timestamp::parse_rfc3339(&s);
    }

    #[test]
    fn tracking_like_strings_never_panic(p in "[A-Z]{0,9}", y in "[0-9-]{0,6}", n in "[0-9a-z]{0,12}") {
        let _ = format!("{p}-{y}-{n}").parse::<TrackingNumber>();
    }
}
