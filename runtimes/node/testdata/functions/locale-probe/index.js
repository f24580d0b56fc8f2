'use strict';

// The locale ICU settled on when the process started, and a number formatted in it: the probe of why a Function whose
// env sets LANG or LC_* starts its own instance rather than a pooled one (core/Workloads/StartupVariables.cs).
exports.handle = () => `${Intl.DateTimeFormat().resolvedOptions().locale} ${(1234.5).toLocaleString()}`;
