"""The shipped rule sets (national, Beijing, Shanghai) as JSON: each figure with its source article."""
