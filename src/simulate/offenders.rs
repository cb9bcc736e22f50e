//! `repeated_offenders` at work: the timeout of each repeated execution on the
//! executing host (docs/wazuh-config.md §5.6, docs/ossec.md §8; which
//! list execd uses and how it reads it are in `model::execd`).

/// The timeout (seconds) of the `hit`-th execution (1-based) for the same key: the
/// configured timeout first, then each entry in minutes, the last one forever.
pub fn timeout_for_hit(timeout: i64, minutes: &[i64], hit: u32) -> i64 {
    if hit <= 1 || minutes.is_empty() {
        return timeout;
    }
    let i = (hit as usize - 2).min(minutes.len() - 1);
    minutes[i] * 60
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_of_hits() {
        // Timeout 600 s, repeated_offenders 10,20,30 (minutes).
        let ro = [10, 20, 30];
        assert_eq!(timeout_for_hit(600, &ro, 1), 600);
        assert_eq!(timeout_for_hit(600, &ro, 2), 600);
        assert_eq!(timeout_for_hit(600, &ro, 3), 1200);
        assert_eq!(timeout_for_hit(600, &ro, 4), 1800);
        assert_eq!(timeout_for_hit(600, &ro, 6), 1800);
        assert_eq!(timeout_for_hit(600, &[], 6), 600);
    }
}
