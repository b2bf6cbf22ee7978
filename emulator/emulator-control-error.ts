/**
 * A control-API call failed, or the emulated login did not end in a code. The message
 * names the method, path and status and the emulator's own error text (which never
 * holds a secret); the client id and any code stay out of it.
 */
export class EmulatorControlError extends Error {
  readonly code = 'EMULATOR_CONTROL_ERROR';
  readonly status: number | undefined;

  constructor(message: string, status?: number) {
    super(message);
    this.name = 'EmulatorControlError';
    this.status = status;
  }
}
