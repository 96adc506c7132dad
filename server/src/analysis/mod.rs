//! Pure analysis of exec configs: text in, model and diagnostics with byte spans out.
