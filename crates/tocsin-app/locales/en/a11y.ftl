# Accessibility: the skip link, the error summary of a refused form, keyboard hints.
a11y-skip = Skip to main content
a11y-error-prefix = Error:{" "}
a11y-label-sep = :{" "}
a11y-hint-datetime-keys = With the keyboard: the left and right arrow keys move between year, month, day, hour and minute; the up and down arrow keys or typing digits change them.
