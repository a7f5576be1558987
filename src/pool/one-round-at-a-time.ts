// Rounds that never overlap: a call while a round runs asks for exactly one more round after it, however many
// calls came meanwhile, so a burst of freed slots costs one extra pass over the queue, not one per slot.
export function oneRoundAtATime(round: () => Promise<void>, onError: (error: unknown) => void): () => void {
  let running = false;
  let again = false;
  function run(): void {
    if (running) {
      again = true;
      return;
    }
    running = true;
    void round()
      .catch(onError)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  }
  return run;
}
