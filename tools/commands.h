/* Sub-commands of the `rupture` CLI implemented outside tools/rupture.c.
 * Each takes the arguments after the command name (argv[0] is the first of them)
 * and returns the process exit code. */
#ifndef RUP_TOOLS_COMMANDS_H
#define RUP_TOOLS_COMMANDS_H

/* `rupture synth ...`: synthesize a call capture and its ground truth (docs/synth.md). */
int rup_cmd_synth(int argc, char **argv);
/* `rupture eval TRUTH.json RESULT.json [--json]`: score a replay result (docs/accuracy.md). */
int rup_cmd_eval(int argc, char **argv);

#endif
