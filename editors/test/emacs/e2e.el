;;; e2e.el --- Headless end-to-end test of editors/emacs/cio-lsp.el  -*- lexical-binding: t; -*-

;; Run by editors/test/emacs/run.sh as
;;   emacs --batch -Q -L editors/emacs -l e2e.el
;; with CIO_LSP_BIN (server binary), CIO_FILE (the example file to open, in a
;; scratch copy of examples/), CIO_EXPECT_RULES (the rule ids `cio-lsp check'
;; reports for that file, space-separated) and CIO_TS_GRAMMAR_DIR (where
;; `treesit-install-language-grammar' put the TypeScript grammar).
;; Waits on conditions with timeouts; prints ok / not ok per check and exits
;; non-zero when a check failed.

;;; Code:

(require 'cl-lib)
(require 'subr-x)

(defvar e2e-timeout (/ (string-to-number (or (getenv "CIO_TIMEOUT_MS") "20000")) 1000.0))
(defvar e2e-checks 0)
(defvar e2e-failures 0)

(defun e2e-log (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defun e2e-check (ok what &optional detail)
  (cl-incf e2e-checks)
  (if ok
      (e2e-log "ok - %s" what)
    (cl-incf e2e-failures)
    (e2e-log "not ok - %s%s" what (if detail (format ": %s" detail) "")))
  ok)

(defun e2e-finish ()
  (e2e-log "emacs %s: %d checks, %d failed"
           emacs-version
           e2e-checks e2e-failures)
  (kill-emacs (if (> e2e-failures 0) 1 0)))

(defun e2e-wait (pred)
  "Process events until PRED is non-nil or `e2e-timeout' seconds pass."
  (let ((deadline (+ (float-time) e2e-timeout)) result)
    (while (and (not (setq result (funcall pred)))
                (< (float-time) deadline))
      (accept-process-output nil 0.05))
    result))

(defun e2e-env (name)
  (let ((v (getenv name)))
    (unless (and v (not (string-empty-p v)))
      (e2e-check nil (format "environment variable %s is set" name))
      (e2e-finish))
    v))

(defun e2e-lsp-code (diag)
  (plist-get (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data diag))) :code))

(defun e2e-cio002 ()
  (cl-remove-if-not (lambda (d) (equal (e2e-lsp-code d) "CIO002"))
                    (flymake-diagnostics)))

(defun e2e-rule-ids ()
  "The distinct rule ids of the buffer's flymake diagnostics, sorted."
  (sort (delete-dups (delq nil (mapcar #'e2e-lsp-code (flymake-diagnostics)))) #'string<))

(defun e2e-count (needle)
  "How often the literal NEEDLE occurs in the buffer."
  (how-many (regexp-quote needle) (point-min) (point-max)))

(defun e2e-run ()
  (let* ((bin (e2e-env "CIO_LSP_BIN"))
         (file (e2e-env "CIO_FILE"))
         (expected (sort (split-string (e2e-env "CIO_EXPECT_RULES")) #'string<))
         (warning-minimum-level :error)
         (warning-minimum-log-level :error))
    ;; The grammar, installed as editors/emacs/README.md says, in a folder of its own.
    (add-to-list 'treesit-extra-load-path (e2e-env "CIO_TS_GRAMMAR_DIR"))
    (e2e-check (treesit-language-available-p 'typescript) "the TypeScript tree-sitter grammar loads"
               (format "%S" (treesit-language-available-p 'typescript t)))
    (require 'eglot)
    (require 'cio-lsp)
    (setq cio-lsp-server-command (list bin "serve"))
    (setq cio-lsp-rules '(("CIO010" . "warning")))
    (cio-lsp-eglot-setup)
    (setq eglot-confirm-server-edits nil
          eglot-sync-connect t
          eglot-connect-timeout e2e-timeout
          eglot-events-buffer-config '(:size 2000000 :format full))
    (add-to-list 'auto-mode-alist '("\\.ts\\'" . typescript-ts-mode))
    ;; As recommended in editors/emacs/README.md: project roots like Neovim's.
    (setq project-vc-extra-root-markers '("cio-lsp.toml" "package.json"))
    (find-file file)
    (e2e-check (eq major-mode 'typescript-ts-mode) "example file opens in typescript-ts-mode"
               (symbol-name major-mode))
    (e2e-check (and (treesit-parser-list) (eq (treesit-parser-language (car (treesit-parser-list))) 'typescript)
                    (not (treesit-node-check (treesit-buffer-root-node) 'has-error)))
               "typescript-ts-mode parses the buffer with the grammar, without errors")
    (let* ((contact (eglot--guess-contact))
           (server (condition-case err
                       (apply #'eglot contact)
                     (error (e2e-check nil "eglot connects to cio-lsp" (error-message-string err))
                            (e2e-finish)))))
      (e2e-check (and server (eq server (eglot-current-server))) "eglot manages the buffer with cio-lsp")
      (e2e-check (equal (car (last (process-command (jsonrpc--process server)) 1)) "serve")
                 "server started as `cio-lsp serve'"
                 (format "%S" (process-command (jsonrpc--process server))))
      (e2e-check (equal (plist-get (plist-get (eglot--workspace-configuration-plist server) :cioLsp)
                                   :eventNameStyle)
                        "snake_case")
                 "workspace configuration carries the cioLsp section")
      (e2e-check (bound-and-true-p flymake-mode) "flymake is on")
      (let ((diags (e2e-wait #'e2e-cio002)))
        (unless (e2e-check diags "CIO002 diagnostic reported through flymake"
                           (format "%S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
          (e2e-finish))
        (e2e-check (e2e-wait (lambda () (flymake-start) (equal (e2e-rule-ids) expected)))
                   (format "flymake lists exactly the rules cio-lsp check reports: %s"
                           (string-join expected " "))
                   (format "%S" (e2e-rule-ids)))
        (let* ((d (car diags))
               (beg (flymake-diagnostic-beg d))
               (end (flymake-diagnostic-end d)))
          (e2e-check (equal (buffer-substring-no-properties beg end) "Date.now()")
                     "CIO002 range covers Date.now()"
                     (buffer-substring-no-properties beg end))
          (e2e-check (string-match-p "cio-lsp" (flymake-diagnostic-text d))
                     "flymake text names the cio-lsp source" (flymake-diagnostic-text d))
          ;; Settings are mirrored: CIO002 off through `cio-lsp-settings-changed'
          ;; (workspace/didChangeConfiguration) removes the finding; back on restores it.
          (setq cio-lsp-rules '(("CIO002" . "off")))
          (cio-lsp-settings-changed)
          (e2e-check (e2e-wait (lambda () (flymake-start) (null (e2e-cio002))))
                     "cio-lsp-rules CIO002 off + cio-lsp-settings-changed removes the finding")
          (setq cio-lsp-rules '(("CIO002" . "error")))
          (cio-lsp-settings-changed)
          (e2e-check (e2e-wait (lambda () (flymake-start) (e2e-cio002)))
                     "CIO002 back to error brings it back")
          (let ((d2 (car (e2e-cio002))))
            (when d2
              (setq beg (flymake-diagnostic-beg d2)
                    end (flymake-diagnostic-end d2))))
          ;; Hover through ElDoc, as a user sees it at point: `M-x eldoc' runs every
          ;; documentation function (Eglot's hover among them) and hands the result to
          ;; the display functions: the echo area and the `*eldoc*' buffer.
          (goto-char (+ beg 2))
          (let* ((shown nil)
                 (eldoc-display-functions
                  (append eldoc-display-functions
                          (list (lambda (docs _interactive) (setq shown docs)))))
                 (text (progn
                         (eldoc t)
                         (e2e-wait (lambda ()
                                     (let ((all (mapconcat #'car shown "\n")))
                                       (and (string-match-p "Math\\.floor" all) all)))))))
            (e2e-check text "ElDoc at the finding shows the hover docs"
                       (format "%S" (mapcar #'car shown)))
            (e2e-check (and text (string-match-p "CIO002" text) (string-match-p "Math\\.floor" text))
                       "the hover docs name CIO002 and its fix"
                       (and text (substring text 0 (min 300 (length text)))))
            (e2e-check (with-current-buffer (eldoc-doc-buffer)
                         (string-match-p "Math\\.floor" (buffer-string)))
                       "the *eldoc* buffer holds them too"))
          ;; Quick fix through eglot's code action machinery.
          (let ((actions (eglot-code-actions beg end "quickfix" nil)))
            (unless (e2e-check actions "a quickfix code action is offered")
              (e2e-finish))
            (e2e-log "# code actions: %s"
                     (mapconcat (lambda (a) (plist-get a :title)) actions " | "))
            ;; CIO002's rewrite: not "Disable CIO002 for this line", nor the fix of another
            ;; finding whose range covers point (CIO007 spans the whole identify call).
            (let* ((fixes (cl-remove-if-not
                           (lambda (a)
                             (and (not (string-prefix-p "Disable" (plist-get a :title)))
                                  (cl-some (lambda (ad) (equal (plist-get ad :code) "CIO002"))
                                           (plist-get a :diagnostics))))
                           actions))
                   (action (or (cl-find-if (lambda (a) (plist-get a :isPreferred)) fixes)
                               (car fixes))))
              (e2e-check action "a quickfix that rewrites the code is offered")
              (if (fboundp 'eglot-execute)
                  (eglot-execute server action)
                (when (plist-get action :edit)
                  (eglot--apply-workspace-edit (plist-get action :edit)))))))
        (e2e-check (e2e-wait (lambda ()
                               (save-excursion
                                 (goto-char (point-min))
                                 (search-forward "created_at: Math.floor(Date.now() / 1000)" nil t))))
                   "quick fix rewrote created_at: Date.now() to Math.floor(Date.now() / 1000)"
                   (buffer-string))
        (e2e-check (= (e2e-count "Date.now()") (e2e-count "Math.floor(Date.now() / 1000)"))
                   "every Date.now() in the file is now in seconds")
        ;; Batch Emacs never goes idle, so do what eglot's and flymake's idle
        ;; timers would: send the change, then ask flymake for a fresh report.
        (eglot--signal-textDocument/didChange)
        (e2e-check (e2e-wait (lambda () (flymake-start) (null (e2e-cio002))))
                   "CIO002 diagnostic cleared after the fix"
                   (format "%S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
        (eglot-shutdown server)))
    (e2e-finish)))

(condition-case err
    (e2e-run)
  (error (e2e-check nil "error" (error-message-string err))
         (e2e-finish)))

;;; e2e.el ends here
