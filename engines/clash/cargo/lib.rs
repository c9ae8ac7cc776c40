//! Never built: cargo refuses the dependency graph (see clash.sh).
