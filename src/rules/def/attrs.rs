//! The attributes of `<rule>` (`getattributes` in `src/analysisd/rules.c`;
//! docs/analysis-rules.md "Attributes").

/// The attributes as read; `None` where absent.
#[derive(Debug, Default)]
pub(in crate::rules) struct Attrs {
    pub(in crate::rules) id: Option<u32>,
    pub(in crate::rules) level: Option<u32>,
    pub(super) maxsize: u32,
    pub(super) timeframe: Option<u32>,
    /// Stored value: the attribute minus 2.
    pub(super) frequency: u32,
    pub(in crate::rules) accuracy: u32,
    pub(super) noalert: bool,
    pub(super) ignore_time: u32,
    pub(in crate::rules) overwrite: bool,
    /// Warnings met (the rule is still read).
    pub(in crate::rules) warnings: Vec<String>,
}

/// `OS_StrIsNum`: every byte a digit (the empty string passes).
pub(super) fn is_num(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// `sscanf("%Nd")` on a digit string: the first `width` digits, or `None` when there
/// is none.
fn scan(value: &str, width: usize) -> Option<u32> {
    let digits = &value[..value.len().min(width)];
    if digits.is_empty() {
        return None;
    }
    digits.parse().ok()
}

/// C `atoi` on a digit string (saturating).
pub(super) fn atoi(value: &str) -> u64 {
    value
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0u64, |n, b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
}

/// Reads every attribute; `Err(message)` is fatal for the file ("Invalid attribute
/// for rule.").
pub(in crate::rules) fn read(attrs: &[(String, String)]) -> Result<Attrs, String> {
    let mut out = Attrs {
        accuracy: 1,
        ..Attrs::default()
    };
    for (name, value) in attrs {
        read_one(&mut out, name, value)?;
    }
    Ok(out)
}

fn must_be_num(name: &str, value: &str, extra: &str) -> Result<(), String> {
    if is_num(value) {
        Ok(())
    } else {
        Err(format!(
            "rules_op: Invalid {name}: {value}. Must be integer{extra}"
        ))
    }
}

fn read_one(out: &mut Attrs, name: &str, value: &str) -> Result<(), String> {
    match name.to_ascii_lowercase().as_str() {
        "id" => {
            if !(is_num(value) && value.len() <= 6) {
                return Err(format!(
                    "rules_op: Invalid rule id: {value}. Must be integer (max 6 digits)"
                ));
            }
            if let Some(id) = scan(value, 6) {
                out.id = Some(id);
            }
        }
        // A level that is not a number is silently ignored ("no level" follows).
        "level" if is_num(value) => {
            let level = atoi(value);
            if level > 16 {
                return Err(format!(
                    "rules_op: Invalid level: {level}. Must be an integer between 0 and 16."
                ));
            }
            out.level = Some(level as u32);
        }
        "level" => {}
        "maxsize" => {
            must_be_num("maxsize", value, "")?;
            out.maxsize = scan(value, 4).unwrap_or(out.maxsize);
        }
        "timeframe" => {
            must_be_num("timeframe", value, " (max 5 digits)")?;
            out.timeframe = scan(value, 5).or(out.timeframe);
        }
        "frequency" => {
            must_be_num("frequency", value, "")?;
            let f = atoi(value);
            if !(2..=9999).contains(&f) {
                return Err(format!(
                    "rules_op: Invalid frequency: {f}. Must be higher than 1 and lower than 10000."
                ));
            }
            out.frequency = f as u32 - 2;
        }
        "accuracy" => {
            must_be_num("accuracy", value, "")?;
            out.accuracy = scan(value, 4).unwrap_or(out.accuracy);
        }
        "ignore" => {
            must_be_num("ignore_time", value, " (max 6 digits)")?;
            out.ignore_time = scan(value, 6).unwrap_or(out.ignore_time);
        }
        "noalert" => match value {
            "0" => out.noalert = false,
            "1" => out.noalert = true,
            _ => out
                .warnings
                .push("Invalid value for attribute 'noalert'".to_string()),
        },
        "overwrite" => match value {
            "yes" => out.overwrite = true,
            "no" => out.overwrite = false,
            _ => {
                return Err(format!(
                    "rules_op: Invalid overwrite: {value}. Can only by 'yes' or 'no'."
                ));
            }
        },
        _ => {
            return Err(format!(
                "rules_op: Invalid attribute \"{name}\". Only id, level, maxsize, accuracy, noalert, ignore, frequency and timeframe are allowed."
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(list: &[(&str, &str)]) -> Result<Attrs, String> {
        let owned: Vec<(String, String)> = list
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        read(&owned)
    }

    #[test]
    fn frequency_is_stored_minus_two_and_widths_cut() {
        let a = attrs(&[
            ("ID", "5712"),
            ("level", "10"),
            ("frequency", "8"),
            ("timeframe", "1234567"),
            ("maxsize", "123456"),
        ])
        .expect("valid");
        assert_eq!(a.id, Some(5712));
        assert_eq!(a.level, Some(10));
        assert_eq!(a.frequency, 6);
        assert_eq!(a.timeframe, Some(12345));
        assert_eq!(a.maxsize, 1234);
    }

    #[test]
    fn errors_and_silences() {
        assert!(attrs(&[("frequency", "1")]).is_err());
        assert!(attrs(&[("frequency", "10000")]).is_err());
        assert!(attrs(&[("level", "17")]).is_err());
        assert!(attrs(&[("id", "1234567")]).is_err());
        assert!(attrs(&[("overwrite", "true")]).is_err());
        assert!(attrs(&[("color", "red")]).is_err());
        assert!(attrs(&[("timeframe", "x")]).is_err());
        let a = attrs(&[("level", "x"), ("noalert", "2")]).expect("valid");
        assert_eq!(a.level, None);
        assert_eq!(a.warnings.len(), 1);
        // The empty string is a number to OS_StrIsNum: atoi gives 0.
        assert_eq!(attrs(&[("level", "")]).expect("valid").level, Some(0));
    }
}
