//! Axis scales with ticks on round numbers (1, 2 or 5 times a power of ten).

#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<f64>,
    /// Decimals the tick labels need.
    pub decimals: u32,
}

impl Scale {
    /// A scale covering `low..=high` with about `target` ticks. With `from_zero`, zero is
    /// always on the scale (bars grow from it).
    pub fn new(low: f64, high: f64, target: usize, from_zero: bool) -> Scale {
        let (mut low, mut high) = if from_zero { (low.min(0.0), high.max(0.0)) } else { (low, high) };
        if !(low.is_finite() && high.is_finite()) {
            (low, high) = (0.0, 1.0);
        }
        if (high - low).abs() < f64::EPSILON {
            let pad = if high.abs() < f64::EPSILON { 1.0 } else { high.abs() * 0.1 };
            high += pad;
            if !from_zero || low != 0.0 {
                low -= pad;
            }
        }
        let step = nice_step((high - low) / target.max(1) as f64);
        let min = (low / step).floor() * step;
        let max = (high / step).ceil() * step;
        let count = ((max - min) / step).round() as usize;
        let ticks = (0..=count).map(|i| clean(min + step * i as f64)).collect();
        let decimals = if step >= 1.0 { 0 } else { (-(step.log10().floor())) as u32 };
        Scale { min: clean(min), max: clean(max), ticks, decimals }
    }

    /// Where `value` falls between 0 (min) and 1 (max).
    pub fn fraction(&self, value: f64) -> f64 {
        if self.max == self.min { 0.0 } else { (value - self.min) / (self.max - self.min) }
    }
}

fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    // The round step nearest to the raw one (Heckbert's "nice numbers").
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.0 {
        2.0
    } else if fraction < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// Removes floating-point dust (0.30000000000000004 → 0.3).
fn clean(value: f64) -> f64 {
    let rounded = (value * 1e9).round() / 1e9;
    if rounded == 0.0 { 0.0 } else { rounded }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_numbers_covering_the_data() {
        let s = Scale::new(0.0, 27028.0, 5, true);
        assert_eq!(s.ticks, [0.0, 5000.0, 10000.0, 15000.0, 20000.0, 25000.0, 30000.0]);
        let s = Scale::new(24724.0, 27028.0, 5, false);
        assert_eq!(s.ticks, [24500.0, 25000.0, 25500.0, 26000.0, 26500.0, 27000.0, 27500.0]);
        let s = Scale::new(-0.9, 12.8, 5, true);
        assert_eq!(s.min, -2.0);
        assert_eq!(s.max, 14.0);
        let s = Scale::new(0.12, 0.38, 4, false);
        assert_eq!(s.decimals, 2);
        assert_eq!(s.ticks, [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]);
    }

    #[test]
    fn flat_data_still_gets_a_scale() {
        let s = Scale::new(5.0, 5.0, 4, false);
        assert!(s.min < 5.0 && s.max > 5.0);
        let s = Scale::new(0.0, 0.0, 4, true);
        assert_eq!(s.min, 0.0);
        assert!(s.max > 0.0);
    }
}
