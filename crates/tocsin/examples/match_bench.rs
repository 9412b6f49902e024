//! IOC matching benchmark: the in-memory indicator index of "check my logs"
//! (`tocsin_domain::intel::matching`, what `service::matching` holds) against a bare
//! `std::collections::HashSet<String>` lookup of the same values, side by side in one run.
//!
//! It makes N indicators (default 1,000,000) in records of ten, of the kinds records
//! carry (IPv4 addresses 40 %, domains 25 %, hashes 15 %, URLs 10 %, mail addresses 5 %,
//! IPv6 addresses 3 %, address blocks 2 %), and M observables (default 1,000,000) of the
//! same kinds written as logs write them, a tenth of them indicators. The HashSet holds
//! the N values as stored and is asked whether each observable is one; the index is asked
//! for every indicator each observable meets (exact, subdomain, the host of a URL, inside
//! a block). Each side runs three times, alternately; the best of each is printed, with
//! the ratio against the goal (≥ 0.5× the HashSet's rate), and the resident memory the
//! index added for N indicators (goal < 300 MB).
//!
//! `cargo run --release -p tocsin --example match_bench -- [--indicators N]
//! [--observables M]`

mod common;
use common::{arg, mib, status_kib};

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Instant;

use tocsin_domain::intel::matching::IndicatorIndex;
use tocsin_domain::intel::{ObservableKind as K, ObservableOrigin};

/// SplitMix64: a small, seeded generator, so both sides see the same values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const WORDS: [&str; 12] = [
    "login", "secure", "update", "mail", "cdn", "api", "portal", "bank", "pay", "cloud", "verify",
    "account",
];
const TLDS: [&str; 6] = ["com", "net", "org", "com.tw", "tw", "io"];

/// The i-th value of a stream: (kind, value as stored).
fn value(rng: &mut Rng) -> (K, String) {
    let roll = rng.below(100);
    let ip = |rng: &mut Rng| {
        format!(
            "{}.{}.{}.{}",
            1 + rng.below(222),
            rng.below(256),
            rng.below(256),
            rng.below(256)
        )
    };
    let domain = |rng: &mut Rng| {
        format!(
            "{}-{:x}.{}",
            WORDS[rng.below(12) as usize],
            rng.next() & 0xff_ffff,
            TLDS[rng.below(6) as usize]
        )
    };
    match roll {
        0..40 => (K::Ipv4, ip(rng)),
        40..65 => (K::Domain, domain(rng)),
        65..70 => (
            K::Md5,
            format!(
                "{:032x}",
                u128::from(rng.next()) << 64 | u128::from(rng.next())
            ),
        ),
        70..75 => (
            K::Sha1,
            format!(
                "{:016x}{:016x}{:08x}",
                rng.next(),
                rng.next(),
                rng.next() as u32
            ),
        ),
        75..80 => (
            K::Sha256,
            format!(
                "{:016x}{:016x}{:016x}{:016x}",
                rng.next(),
                rng.next(),
                rng.next(),
                rng.next()
            ),
        ),
        80..90 => (
            K::Url,
            format!(
                "https://{}/{}/{:x}.php",
                domain(rng),
                WORDS[rng.below(12) as usize],
                rng.next() & 0xffff
            ),
        ),
        90..95 => (
            K::Email,
            format!("{}@{}", WORDS[rng.below(12) as usize], domain(rng)),
        ),
        95..98 => (
            K::Ipv6,
            format!(
                "2001:db8:{:x}:{:x}::{:x}",
                rng.below(65536),
                rng.below(65536),
                rng.below(65536)
            ),
        ),
        _ => {
            let len = [16u8, 24, 28][rng.below(3) as usize];
            let a = u32::try_from(rng.below(u64::from(u32::MAX))).unwrap_or(0);
            let a = a & (u32::MAX << (32 - u32::from(len)));
            (K::Cidr, format!("{}/{len}", std::net::Ipv4Addr::from(a)))
        }
    }
}

fn main() {
    let n: usize = arg("--indicators", "1000000").parse().unwrap_or(1_000_000);
    let m: usize = arg("--observables", "1000000").parse().unwrap_or(1_000_000);

    // The observables: a tenth are indicators (drawn again from the indicators' stream),
    // the rest values of the same kinds that no record names.
    let mut miss_rng = Rng(2);
    let mut pick = Rng(3);
    let mut indicators_seen: Vec<String> = Vec::with_capacity(n / 10 + 1);
    {
        let mut rng = Rng(1);
        for i in 0..n {
            let (_, v) = value(&mut rng);
            if i % 10 == 0 {
                indicators_seen.push(v);
            }
        }
    }
    let observables: Vec<String> = (0..m)
        .map(|_| {
            if pick.below(10) == 0 && !indicators_seen.is_empty() {
                indicators_seen[pick.below(indicators_seen.len() as u64) as usize].clone()
            } else {
                value(&mut miss_rng).1
            }
        })
        .collect();
    drop(indicators_seen);

    // The index, built straight from the stream, so that the memory it adds is its own.
    let rss_before = status_kib("VmRSS:");
    let t = Instant::now();
    let mut index: IndicatorIndex<u32> = IndicatorIndex::new();
    let mut rng = Rng(1);
    let mut record = Vec::with_capacity(10);
    let mut r = 0u32;
    for i in 0..n {
        record.push(value(&mut rng));
        if record.len() == 10 || i + 1 == n {
            index.insert(
                r,
                record
                    .iter()
                    .map(|(k, v)| (*k, v.as_str(), ObservableOrigin::Extracted)),
            );
            record.clear();
            r += 1;
        }
    }
    let build = t.elapsed();
    let rss_index = status_kib("VmRSS:");
    let index_kib = rss_index.zip(rss_before).map(|(a, b)| a.saturating_sub(b));

    let rss_set_before = status_kib("VmRSS:");
    let mut set: HashSet<String> = HashSet::with_capacity(n);
    let mut rng = Rng(1);
    for _ in 0..n {
        set.insert(value(&mut rng).1);
    }
    let set_kib = status_kib("VmRSS:")
        .zip(rss_set_before)
        .map(|(a, b)| a.saturating_sub(b));

    let mut best_set = f64::INFINITY;
    let mut best_index = f64::INFINITY;
    let (mut set_hits, mut index_hits, mut unread) = (0usize, 0usize, 0usize);
    for _ in 0..3 {
        let t = Instant::now();
        let mut h = 0usize;
        for o in &observables {
            if set.contains(black_box(o.as_str())) {
                h += 1;
            }
        }
        best_set = best_set.min(t.elapsed().as_secs_f64());
        set_hits = black_box(h);

        let t = Instant::now();
        let (mut h, mut u) = (0usize, 0usize);
        for o in &observables {
            if !index.match_raw(black_box(o), |_, _, _, _| h += 1) {
                u += 1;
            }
        }
        best_index = best_index.min(t.elapsed().as_secs_f64());
        (index_hits, unread) = (black_box(h), u);
    }
    let set_rate = m as f64 / best_set;
    let index_rate = m as f64 / best_index;
    let ratio = index_rate / set_rate;
    println!(
        "IOC matching: {n} indicators in {r} records, {m} observables (a tenth of them indicators)"
    );
    println!(
        "index built in {:.2} s ({} indicators)",
        build.as_secs_f64(),
        index.len()
    );
    println!(
        "HashSet<String> lookup: {:>12.0} observables/s ({} hits)",
        set_rate, set_hits
    );
    println!(
        "matcher:                {:>12.0} observables/s ({} hits: exact, subdomain, URL host, in block; {} unreadable)",
        index_rate, index_hits, unread
    );
    println!(
        "ratio matcher/HashSet:  {ratio:.2}×   (goal ≥ 0.5×: {})",
        if ratio >= 0.5 { "met" } else { "NOT met" }
    );
    println!(
        "memory of the index:    {}   (goal < 300 MB for 1,000,000 indicators: {}); the bare HashSet: {}",
        mib(index_kib),
        match index_kib {
            Some(k) if (k as f64) * 1024.0 < 300e6 => "met",
            Some(_) => "NOT met",
            None => "unknown",
        },
        mib(set_kib)
    );
    black_box(&index);
}
