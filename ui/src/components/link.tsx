import type { ComponentChildren } from 'preact';
import { BASE, navigate } from '../router';

/** An in-console link: a real href (open in a new tab works), followed without a page load. */
export function Link({ to, children, class: className }: { to: string; children: ComponentChildren; class?: string }) {
  return (
    <a
      href={BASE + to}
      class={className}
      onClick={(event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}
