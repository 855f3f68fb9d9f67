/** Exit code of an injected crash (crash:ACTOR@N), so the supervisor's log can tell it from a real one. */
export const INJECTED_CRASH_EXIT = 70;
