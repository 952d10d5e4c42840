;;; cio-lsp.el --- Eglot setup for cio-lsp (Customer.io integration checks)  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "29.1"))
;; Keywords: languages, tools
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; cio-lsp flags Customer.io SDK integration mistakes in JavaScript and
;; TypeScript (millisecond timestamps, wrong API keys, dynamic event names, ...)
;; and offers quick fixes.  This file registers it with Eglot, which is built
;; into Emacs 29+ (on Emacs 28 install the `eglot' package first).
;;
;;   (add-to-list 'load-path "/path/to/cio-lsp/editors/emacs")
;;   (require 'cio-lsp)
;;   (cio-lsp-eglot-setup)
;;   (add-hook 'typescript-ts-mode-hook #'eglot-ensure)   ; optional
;;
;; Then `M-x eglot' in a JS/TS buffer.  Findings show through Flymake
;; (`M-x flymake-show-buffer-diagnostics'), quick fixes through
;; `M-x eglot-code-actions' / `eglot-code-action-quickfix', docs through
;; ElDoc (`M-x eldoc', or `C-h .').
;;
;; Eglot runs one server per buffer: with this setup cio-lsp replaces
;; typescript-language-server for these modes.  See editors/README.md.

;;; Code:

(require 'eglot)
(require 'cl-lib)

(defgroup cio-lsp nil
  "Customer.io integration checks through the cio-lsp language server."
  :group 'tools
  :prefix "cio-lsp-")

(defcustom cio-lsp-server-command '("cio-lsp" "serve")
  "Command line that starts the cio-lsp server speaking LSP on stdio."
  :type '(repeat string))

(defcustom cio-lsp-enable t
  "When nil the server stays connected but publishes no findings."
  :type 'boolean)

(defcustom cio-lsp-rules nil
  "Per-rule severities, an alist such as ((\"CIO010\" . \"off\")).
Each severity is one of \"off\", \"info\", \"warning\" or \"error\"."
  :type '(alist :key-type string
                :value-type (choice (const "off") (const "info")
                                    (const "warning") (const "error"))))

(defcustom cio-lsp-event-name-style "snake_case"
  "Event naming convention enforced by rule CIO010."
  :type '(choice (const "snake_case") (const "Title Case") (const "camelCase")))

(defcustom cio-lsp-workspace-trusted t
  "Whether the server may load the project's user rules (`rule_dirs').
Nil, or a function of the project root that returns nil, starts the
server with `workspaceTrusted' false: built-in rules only.  Read when
the server starts."
  :type '(choice boolean function))

(defcustom cio-lsp-trace "off"
  "Server log level: \"off\", \"messages\" or \"verbose\"."
  :type '(choice (const "off") (const "messages") (const "verbose")))

(defconst cio-lsp-major-modes
  '((js-mode :language-id "javascript")
    (js-ts-mode :language-id "javascript")
    (js-jsx-mode :language-id "javascriptreact")
    (rjsx-mode :language-id "javascriptreact")
    (typescript-mode :language-id "typescript")
    (typescript-ts-mode :language-id "typescript")
    (tsx-ts-mode :language-id "typescriptreact"))
  "Major modes that cio-lsp serves, with their LSP language ids.")

(defun cio-lsp-settings ()
  "The settings object sent to the server (the `cioLsp' section)."
  (list :enable (if cio-lsp-enable t :json-false)
        :rules (if cio-lsp-rules
                   (cl-loop for (id . sev) in cio-lsp-rules
                            append (list (intern (concat ":" (upcase id))) sev))
                 (make-hash-table))
        :eventNameStyle cio-lsp-event-name-style
        :trace cio-lsp-trace))

(defun cio-lsp--trusted-p (server)
  "Whether `cio-lsp-workspace-trusted' trusts the project of SERVER."
  (if (functionp cio-lsp-workspace-trusted)
      (funcall cio-lsp-workspace-trusted
               (project-root (eglot--project server)))
    cio-lsp-workspace-trusted))

(defun cio-lsp--contact (&rest _)
  "Eglot contact for cio-lsp, with the settings as initializationOptions.
`workspaceTrusted' goes there only: the server reads it at start."
  (append cio-lsp-server-command
          (list :initializationOptions
                (lambda (server)
                  (append (cio-lsp-settings)
                          (list :workspaceTrusted
                                (if (cio-lsp--trusted-p server) t :json-false)))))))

(defun cio-lsp--merge-configuration (server previous)
  "Add the `cioLsp' section to PREVIOUS, a workspace configuration for SERVER."
  (let ((base (if (functionp previous) (funcall previous server) previous)))
    (append (list :cioLsp (cio-lsp-settings))
            (cl-loop for (k v) on base by #'cddr
                     unless (eq k :cioLsp) append (list k v)))))

(defvar cio-lsp--setup-done nil
  "Non-nil once `cio-lsp-eglot-setup' wrapped `eglot-workspace-configuration'.")

;;;###autoload
(defun cio-lsp-eglot-setup ()
  "Register cio-lsp with Eglot for JavaScript and TypeScript modes.
Settings come from the `cio-lsp' customization group and are sent as
initializationOptions, as `workspace/didChangeConfiguration' and in
answer to `workspace/configuration'."
  (interactive)
  (setq eglot-server-programs
        (cons (cons cio-lsp-major-modes #'cio-lsp--contact)
              (cl-remove-if (lambda (entry) (eq (cdr entry) #'cio-lsp--contact))
                            eglot-server-programs)))
  (unless cio-lsp--setup-done
    (let ((previous (default-value 'eglot-workspace-configuration)))
      (setq-default eglot-workspace-configuration
                    (lambda (server) (cio-lsp--merge-configuration server previous))))
    (setq cio-lsp--setup-done t)))

(defun cio-lsp-settings-changed ()
  "Send the current `cio-lsp' settings to every running cio-lsp server."
  (interactive)
  (dolist (server (cl-loop for servers being the hash-values of eglot--servers-by-project
                           append servers))
    (when (cl-some (lambda (m) (assq m cio-lsp-major-modes))
                   (eglot--major-modes server))
      (eglot-signal-didChangeConfiguration server))))

;;;###autoload
(defun cio-lsp-fix-all ()
  "Apply cio-lsp's `source.fixAll.cio-lsp' code action to the current buffer."
  (interactive)
  (eglot-code-actions (point-min) (point-max) "source.fixAll.cio-lsp" t))

(provide 'cio-lsp)
;;; cio-lsp.el ends here
