//! Every parser and validator of user input returns, never panics, on any input.

use proptest::prelude::*;
use tocsin_domain::{
    DiscoveredAt, IncidentInput, IntelInput, IntelTime, Locale, PhishingInput, Roles, Timestamp,
    TrackingNumber, VulnInput, cve, fetch, phish_url, phishing, rsit, search, sla, tasks, validate,
    vuln, workflow, zone,
};

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
        let _ = validate::phone(&s);
        let _ = validate::optional_tracking_number(&s);
        let _ = DiscoveredAt::parse(&s);
        let _ = zone::time_zone(&s);
        let _ = zone::parse_date(&s);
        let _ = zone::parse_time_hm(&s);
        let _ = s.parse::<tocsin_domain::IncidentType>();
        let _ = s.parse::<workflow::ReportState>();
        let _ = s.parse::<tocsin_domain::Priority>();
        let _ = s.parse::<tocsin_domain::TaskState>();
        let _ = rsit::RsitType::from_key(&s);
        let _ = rsit::lookup(&s, &s);
        let _ = sla::parse_holidays(&s);
        let _ = tasks::parse_task_templates(&s);
        let _ = zone::parse_local_datetime(&s);
        let _ = phish_url::normalize(&s);
        let _ = fetch::target(&s);
        let _ = fetch::redirect_target("http://a.example/x/", &s);
        let _ = phish_url::refang(&s);
        let _ = phish_url::defang(&s);
        let _ = phishing::split_urls(&s);
        let _ = s.parse::<tocsin_domain::SeenIn>();
        let _ = s.parse::<tocsin_domain::UrlState>();
        let _ = s.parse::<tocsin_domain::Tlp>();
        let _ = s.parse::<tocsin_domain::CveId>();
        let _ = cve::parse_reservation(&s);
        let _ = vuln::parse_date(&s);
        let _ = s.parse::<tocsin_domain::CnaState>();
        let _ = s.parse::<tocsin_domain::VendorStatus>();
        let _ = s.parse::<tocsin_domain::VulnSource>();
        let _ = tocsin_domain::membership::ubn_is_valid(&s);
        let _ = tocsin_domain::membership::check_ubn(&s);
        let _ = tocsin_domain::membership::site_host(&s);
        let _ = tocsin_domain::membership::check_site(&s);
        let _ = tocsin_domain::membership::domain_verified(&s, &s);
        let _ = tocsin_domain::membership::check_fingerprint(&s);
        let _ = s.parse::<tocsin_domain::membership::AllianceState>();
    }

    /// Eight-digit strings and near misses: the 統一編號 checksum never panics and never
    /// accepts anything but eight ASCII digits.
    #[test]
    fn business_numbers_never_panic(s in "[0-9０-９a]{0,10}") {
        if tocsin_domain::membership::ubn_is_valid(&s) {
            prop_assert!(s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    /// Date-like text in every form the vulnerability form reads, and near misses.
    #[test]
    fn form_dates_never_panic(
        s in "(中華民國|民國|西元)?[ 0-9０-９]{0,6}[-/.／年]?[ 0-9０-９]{0,4}[-/.／月]?[ 0-9０-９]{0,4}[日號]?",
    ) {
        if let Some(d) = vuln::parse_date(&s) {
            prop_assert_eq!(vuln::parse_date(&d.to_string()), Some(d));
        }
    }

    #[test]
    fn vuln_validation_never_panics(
        dates in proptest::collection::vec(
            "\\PC{0,20}|[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|民國[0-9]{1,3}年[0-9]{1,2}月[0-9]{1,2}日",
            2,
        ),
        url in "\\PC{0,30}|(https?://|[a-z]{1,6}:)?[a-z0-9.\\[\\]:@/?#%-]{0,30}",
        choice in "\\PC{0,6}|yes|no|是|否|self|other",
        text in any::<String>(),
        now in any::<i64>(),
    ) {
        let input = VulnInput {
            report_date: dates[0].clone(),
            reporter_name: text.clone(),
            reporter_organization: text.clone(),
            reporter_email: text.clone(),
            public_credit: choice.clone(),
            source: choice,
            source_other: text.clone(),
            discovered_on: dates[1].clone(),
            product: text.clone(),
            version: text.clone(),
            vendor: text.clone(),
            product_url: url,
            vuln_type: text.clone(),
            description: text.clone(),
            trigger_conditions: text.clone(),
            trigger_method: text.clone(),
            evidence: text.clone(),
            impact: text.clone(),
            cvss_vector: text.clone(),
            cvss_claimed_score: text.clone(),
            cvss_named_version: text,
        };
        let _ = input.validate(Timestamp::from_micros(now));
    }

    /// URL-like text: schemes, defanging, brackets, IDNs, IP forms, ports and odd bytes.
    #[test]
    fn url_handling_never_panics(
        s in "(hxxps?|https?|ftp|[a-z]{1,5})?(:|://|\\[://\\]|//)?[a-zA-Z0-9.\\[\\](){}@:%/?#= \t\u{3002}\u{200B}例え-]{0,40}",
    ) {
        if let Ok(u) = phish_url::normalize(&s) {
            let _ = phish_url::normalize(&u.defanged_display());
        }
        let _ = phish_url::refang(&phish_url::defang(&s));
    }

    #[test]
    fn phishing_validation_never_panics(
        urls in proptest::collection::vec(any::<String>(), 0..4),
        seen_at in "\\PC{0,30}|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?",
        time_zone in "\\PC{0,20}|Asia/Taipei|America/New_York",
        text in any::<String>(),
        now in any::<i64>(),
    ) {
        let input = PhishingInput {
            urls,
            brand: text.clone(),
            seen_in: text.clone(),
            seen_at,
            time_zone,
            original_message: text.clone(),
            reporter_email: text.clone(),
            reporter_name: text,
        };
        let _ = input.validate(Timestamp::from_micros(now));
    }

    #[test]
    fn figures_never_panic(mut values in proptest::collection::vec(any::<i64>(), 0..50)) {
        let _ = phishing::median_and_p90(&mut values);
    }

    #[test]
    fn incident_validation_never_panics(
        discovered_at in "\\PC{0,30}|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{0,12})?)?([+-][0-9]{2}:[0-9]{2}|Z)?",
        time_zone in "\\PC{0,20}|[A-Za-z_/+-]{0,30}|Asia/Taipei|America/New_York",
        text in any::<String>(),
        needs_support in any::<Option<bool>>(),
        now in any::<i64>(),
    ) {
        let input = IncidentInput {
            reporter_name: text.clone(),
            phone: text.clone(),
            email: text.clone(),
            discovered_at,
            time_zone,
            incident_type: text.clone(),
            description: text.clone(),
            needs_support,
            support_requested: text.clone(),
            affected_assets: text.clone(),
            follows_up: text,
        };
        let _ = input.validate(Timestamp::from_micros(now));
    }

    #[test]
    fn discovery_times_any_offset_never_panic(micros in any::<i64>(), offset in any::<i32>()) {
        if let Ok(d) = DiscoveredAt::new(Timestamp::from_micros(micros), offset) {
            let _ = DiscoveredAt::parse(&d.text());
        }
    }

    #[test]
    fn tracking_like_strings_never_panic(p in "[A-Z]{0,9}", y in "[0-9-]{0,6}", n in "[0-9a-z]{0,12}") {
        let _ = format!("{p}-{y}-{n}").parse::<TrackingNumber>();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Working-time arithmetic stays total for any budget and any instant of this century.
    #[test]
    fn working_time_never_panics(
        a in 946_684_800_000_000i64..4_102_444_800_000_000,
        b in 946_684_800_000_000i64..4_102_444_800_000_000,
        minutes in any::<i64>(),
    ) {
        let cal = sla::WorkCalendar::from_config(&sla::CalendarConfig::default())
            .expect("default calendar");
        let due = cal.add_working_time(Timestamp::from_micros(a), minutes);
        let _ = cal.working_minutes_between(Timestamp::from_micros(a), due);
        let _ = cal.working_minutes_between(Timestamp::from_micros(a), Timestamp::from_micros(b));
    }

    /// Target publication dates and reminders stay total for any date and any count.
    #[test]
    fn publication_dates_never_panic(
        year in -9999i16..=9999,
        month in 1i8..=12,
        day in 1i8..=28,
        days in any::<i64>(),
        before in proptest::collection::vec(any::<i64>(), 0..6),
    ) {
        let cal = sla::WorkCalendar::from_config(&sla::CalendarConfig::default())
            .expect("default calendar");
        if let Ok(d) = jiff::civil::Date::new(year, month, day) {
            let t = vuln::target_publication_date(d, days, &cal);
            let _ = vuln::reminder_dates(t, &before);
        }
    }

    /// Reservation-like text: ids, lists and ranges in every spelling, and near misses.
    #[test]
    fn reservations_never_panic(
        s in "((CVE|cve|CAN)?-?[0-9]{4}-[0-9]{3,5}( ?(\\.\\.\\.?|-|~|～|–| to ) ?((CVE-)?[0-9]{4}-)?[0-9]{3,4})?[,，、; \n#]{0,2}){0,5}",
    ) {
        if let Ok(ids) = cve::parse_reservation(&s) {
            prop_assert!(!ids.is_empty());
            prop_assert!(ids.windows(2).all(|w| w[0] < w[1]));
            let back: String = ids.iter().map(|c| format!("{c}\n")).collect();
            prop_assert_eq!(cve::parse_reservation(&back), Ok(ids));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The intel record: any text in any field, the free texts read as entries included;
    /// what validates is valid again after going back to input.
    #[test]
    fn intel_validation_never_panics(
        texts in proptest::collection::vec(any::<String>(), 25),
        entries in proptest::collection::vec(any::<String>(), 0..8),
    ) {
        use tocsin_domain::intel::notation;
        let t = |i: usize| texts[i].clone();
        let input = IntelInput {
            category: t(0), subject: t(1), source: t(2), published_at: t(3), tlp: t(4),
            dispatch_id: t(5), event_subject: t(6), event_discovered_at: t(7),
            event_sent_at: t(8), event_resolved_at: t(9), content: t(10), intel_type: t(11),
            publisher: t(12), contact: t(13), impact_level: t(14), recommendation: t(15),
            references: t(16), attachments: t(17),
            victim_ip: entries.join("\n"),
            affected_platforms: t(20), technique: t(21),
            malicious_connections: format!("{} {}:{}/{}", t(22), entries.join(" "), t(18), t(19)),
            scan_info: entries.join("，"),
            source_id: t(23), source_time: t(24),
        };
        if let Ok(r) = input.validate() {
            prop_assert_eq!(r.to_input().validate(), Ok(r.clone()));
            let _ = tocsin_domain::intel::extract_observables(&r.indicator_text());
            let _ = r.notation_warnings();
        }
        for s in &texts {
            let _ = IntelTime::parse(s);
            let _ = tocsin_domain::IntelCategory::parse(s);
            let _ = tocsin_domain::intel::extract_observables(s);
            let _ = search::index_tokens(s);
            let _ = search::matches(s, &texts[0]);
            let _ = s.parse::<tocsin_domain::intel::ObservableKind>();
            let _ = (notation::endpoints(s), notation::connections(s), notation::scans(s));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Virus Check reads uploaded bytes: the type, the archive kind and a zip's end records
    /// stay total on any bytes, a zip's end record among them.
    #[test]
    fn uploaded_bytes_never_panic(
        head in proptest::collection::vec(any::<u8>(), 0..700),
        at in 0usize..700,
    ) {
        use tocsin_domain::virus::{archive, file_type};
        let _ = file_type(&head);
        let _ = archive::kind(&head);
        let _ = archive::zip_directory(&head);
        let _ = archive::zip64_directory(&head);
        let mut planted = head.clone();
        let at = at.min(planted.len());
        planted.splice(at..at, b"PK\x05\x06".iter().copied());
        let _ = archive::zip_directory(&planted);
        planted.splice(at..at, b"PK\x06\x07".iter().copied());
        let _ = archive::zip_directory(&planted);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The constituency matcher answers for any target and any directory an operator
    /// loads: strings as targets, CIDRs, domains and ccTLDs, prefix lengths out of range.
    #[test]
    fn the_constituency_matcher_never_panics(
        target in any::<String>(),
        ip in any::<[u8; 4]>(),
        cidrs in proptest::collection::vec(any::<String>(), 0..4),
        names in proptest::collection::vec("[a-z0-9.*-]{0,20}", 0..4),
        len in any::<u8>(),
        country in proptest::option::of(any::<String>()),
    ) {
        use tocsin_domain::team::{self, Constituency, Target};
        let mut cidrs = cidrs;
        cidrs.push(format!("{}.{}.{}.{}/{len}", ip[0], ip[1], ip[2], ip[3]));
        cidrs.push(format!("::{:x}/{len}", ip[0]));
        let c = Constituency {
            countries: names.clone(),
            cctlds: names.clone(),
            domains: names,
            cidrs,
            asns: vec![],
        };
        let ipv4 = format!("{}.{}.{}.{}", ip[3], ip[2], ip[1], ip[0]);
        for t in [target.as_str(), ipv4.as_str(), "::1"] {
            if let Some(t) = Target::parse(t) {
                let _ = team::suggest([(0, &c)], &t, country.as_deref());
            }
        }
        let _ = team::ticket_numbers(&target);
        let _ = team::list_field(&target);
        let _ = team::asn_field(&target);
        let mut input = team::TeamInput { name: target.clone(), constituency: c, ..Default::default() };
        let _ = input.validate();
    }
}
