/**
 * Work-done progress for long resolution batches ("Resolving 12 images…"), shown by the editor
 * while a batch of at least `threshold` images is in flight and ended when it drains. Short
 * batches show nothing: the status bar already says what is going on.
 */
export interface ProgressReporter {
  begin(title: string, percentage?: number, message?: string, cancellable?: boolean): void;
  report(percentage: number, message?: string): void;
  done(): void;
}

export class BatchProgress {
  private active: ProgressReporter | undefined;
  private starting = false;
  private total = 0;

  constructor(
    private readonly create: () => Promise<ProgressReporter>,
    private readonly threshold = 5,
  ) {}

  /** Call whenever the number of references resolving or queued changes. */
  async update(pending: number): Promise<void> {
    if (pending === 0) {
      this.active?.done();
      this.active = undefined;
      this.total = 0;
      return;
    }
    this.total = Math.max(this.total, pending);
    if (!this.active) {
      if (pending < this.threshold || this.starting) return;
      this.starting = true;
      try {
        const reporter = await this.create();
        reporter.begin("FROM Lens", 0, this.message(pending), false);
        this.active = reporter;
      } catch {
        return; // The client declined progress: the status bar still tells.
      } finally {
        this.starting = false;
      }
      return;
    }
    const done = this.total - pending;
    this.active.report(Math.round((done / this.total) * 100), this.message(pending));
  }

  private message(pending: number): string {
    return `Resolving ${pending} image${pending === 1 ? "" : "s"}…`;
  }
}
