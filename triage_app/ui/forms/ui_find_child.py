# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/find_child.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

class Ui_FindChild(object):
    def setupUi(self, FindChild):
        if not FindChild.objectName():
            FindChild.setObjectName(u"FindChild")
        self.find_layout = QVBoxLayout(FindChild)
        self.find_layout.setObjectName(u"find_layout")
        self.find_heading_label = QLabel(FindChild)
        self.find_heading_label.setObjectName(u"find_heading_label")

        self.find_layout.addWidget(self.find_heading_label)

        self.search_form = QFormLayout()
        self.search_form.setObjectName(u"search_form")
        self.nhs_number_label = QLabel(FindChild)
        self.nhs_number_label.setObjectName(u"nhs_number_label")

        self.search_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nhs_number_label)

        self.nhs_number_edit = QLineEdit(FindChild)
        self.nhs_number_edit.setObjectName(u"nhs_number_edit")

        self.search_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nhs_number_edit)

        self.nhs_number_message_label = QLabel(FindChild)
        self.nhs_number_message_label.setObjectName(u"nhs_number_message_label")
        self.nhs_number_message_label.setWordWrap(True)

        self.search_form.setWidget(1, QFormLayout.ItemRole.SpanningRole, self.nhs_number_message_label)

        self.family_name_label = QLabel(FindChild)
        self.family_name_label.setObjectName(u"family_name_label")

        self.search_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.family_name_label)

        self.family_name_edit = QLineEdit(FindChild)
        self.family_name_edit.setObjectName(u"family_name_edit")

        self.search_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.family_name_edit)

        self.given_name_label = QLabel(FindChild)
        self.given_name_label.setObjectName(u"given_name_label")

        self.search_form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.given_name_label)

        self.given_name_edit = QLineEdit(FindChild)
        self.given_name_edit.setObjectName(u"given_name_edit")

        self.search_form.setWidget(3, QFormLayout.ItemRole.FieldRole, self.given_name_edit)

        self.date_of_birth_label = QLabel(FindChild)
        self.date_of_birth_label.setObjectName(u"date_of_birth_label")

        self.search_form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.date_of_birth_label)

        self.date_of_birth_edit = QLineEdit(FindChild)
        self.date_of_birth_edit.setObjectName(u"date_of_birth_edit")

        self.search_form.setWidget(4, QFormLayout.ItemRole.FieldRole, self.date_of_birth_edit)

        self.sex_label = QLabel(FindChild)
        self.sex_label.setObjectName(u"sex_label")

        self.search_form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.sex_label)

        self.sex_combo = QComboBox(FindChild)
        self.sex_combo.addItem("")
        self.sex_combo.addItem("")
        self.sex_combo.addItem("")
        self.sex_combo.addItem("")
        self.sex_combo.setObjectName(u"sex_combo")

        self.search_form.setWidget(5, QFormLayout.ItemRole.FieldRole, self.sex_combo)


        self.find_layout.addLayout(self.search_form)

        self.search_buttons_layout = QHBoxLayout()
        self.search_buttons_layout.setObjectName(u"search_buttons_layout")
        self.search_button = QPushButton(FindChild)
        self.search_button.setObjectName(u"search_button")

        self.search_buttons_layout.addWidget(self.search_button)

        self.new_child_button = QPushButton(FindChild)
        self.new_child_button.setObjectName(u"new_child_button")

        self.search_buttons_layout.addWidget(self.new_child_button)

        self.search_buttons_layout_spacer_1 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.search_buttons_layout.addItem(self.search_buttons_layout_spacer_1)


        self.find_layout.addLayout(self.search_buttons_layout)

        self.matches_label = QLabel(FindChild)
        self.matches_label.setObjectName(u"matches_label")
        self.matches_label.setWordWrap(True)

        self.find_layout.addWidget(self.matches_label)

        self.matches_list = QListWidget(FindChild)
        self.matches_list.setObjectName(u"matches_list")

        self.find_layout.addWidget(self.matches_list)

        self.open_layout = QHBoxLayout()
        self.open_layout.setObjectName(u"open_layout")
        self.open_button = QPushButton(FindChild)
        self.open_button.setObjectName(u"open_button")

        self.open_layout.addWidget(self.open_button)

        self.cancel_button = QPushButton(FindChild)
        self.cancel_button.setObjectName(u"cancel_button")

        self.open_layout.addWidget(self.cancel_button)

        self.open_layout_spacer_2 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.open_layout.addItem(self.open_layout_spacer_2)


        self.find_layout.addLayout(self.open_layout)

        self.message_label = QLabel(FindChild)
        self.message_label.setObjectName(u"message_label")
        self.message_label.setWordWrap(True)

        self.find_layout.addWidget(self.message_label)

#if QT_CONFIG(shortcut)
        self.nhs_number_label.setBuddy(self.nhs_number_edit)
        self.family_name_label.setBuddy(self.family_name_edit)
        self.given_name_label.setBuddy(self.given_name_edit)
        self.date_of_birth_label.setBuddy(self.date_of_birth_edit)
        self.sex_label.setBuddy(self.sex_combo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.nhs_number_edit, self.family_name_edit)
        QWidget.setTabOrder(self.family_name_edit, self.given_name_edit)
        QWidget.setTabOrder(self.given_name_edit, self.date_of_birth_edit)
        QWidget.setTabOrder(self.date_of_birth_edit, self.sex_combo)
        QWidget.setTabOrder(self.sex_combo, self.search_button)
        QWidget.setTabOrder(self.search_button, self.new_child_button)
        QWidget.setTabOrder(self.new_child_button, self.matches_list)
        QWidget.setTabOrder(self.matches_list, self.open_button)
        QWidget.setTabOrder(self.open_button, self.cancel_button)

        self.retranslateUi(FindChild)
    # setupUi

    def retranslateUi(self, FindChild):
        FindChild.setWindowTitle(QCoreApplication.translate("FindChild", u"Find a child", None))
        self.find_heading_label.setText(QCoreApplication.translate("FindChild", u"Find a child", None))
#if QT_CONFIG(accessibility)
        self.find_heading_label.setAccessibleName(QCoreApplication.translate("FindChild", u"Find a child", None))
#endif // QT_CONFIG(accessibility)
        self.nhs_number_label.setText(QCoreApplication.translate("FindChild", u"&NHS number", None))
#if QT_CONFIG(accessibility)
        self.nhs_number_edit.setAccessibleName(QCoreApplication.translate("FindChild", u"NHS number", None))
#endif // QT_CONFIG(accessibility)
        self.nhs_number_edit.setPlaceholderText(QCoreApplication.translate("FindChild", u"e.g. 943 476 5919", None))
        self.nhs_number_message_label.setText("")
#if QT_CONFIG(accessibility)
        self.nhs_number_message_label.setAccessibleName(QCoreApplication.translate("FindChild", u"NHS number check", None))
#endif // QT_CONFIG(accessibility)
        self.family_name_label.setText(QCoreApplication.translate("FindChild", u"&Family name", None))
#if QT_CONFIG(accessibility)
        self.family_name_edit.setAccessibleName(QCoreApplication.translate("FindChild", u"Family name", None))
#endif // QT_CONFIG(accessibility)
        self.given_name_label.setText(QCoreApplication.translate("FindChild", u"&Given name", None))
#if QT_CONFIG(accessibility)
        self.given_name_edit.setAccessibleName(QCoreApplication.translate("FindChild", u"Given name", None))
#endif // QT_CONFIG(accessibility)
        self.date_of_birth_label.setText(QCoreApplication.translate("FindChild", u"&Date of birth", None))
#if QT_CONFIG(accessibility)
        self.date_of_birth_edit.setAccessibleName(QCoreApplication.translate("FindChild", u"Date of birth", None))
#endif // QT_CONFIG(accessibility)
        self.date_of_birth_edit.setPlaceholderText(QCoreApplication.translate("FindChild", u"e.g. 20-Jul-2025", None))
        self.sex_label.setText(QCoreApplication.translate("FindChild", u"Se&x", None))
        self.sex_combo.setItemText(0, QCoreApplication.translate("FindChild", u"Not Known", None))
        self.sex_combo.setItemText(1, QCoreApplication.translate("FindChild", u"Female", None))
        self.sex_combo.setItemText(2, QCoreApplication.translate("FindChild", u"Male", None))
        self.sex_combo.setItemText(3, QCoreApplication.translate("FindChild", u"Other", None))

#if QT_CONFIG(accessibility)
        self.sex_combo.setAccessibleName(QCoreApplication.translate("FindChild", u"Sex", None))
#endif // QT_CONFIG(accessibility)
        self.search_button.setText(QCoreApplication.translate("FindChild", u"&Search", None))
#if QT_CONFIG(accessibility)
        self.search_button.setAccessibleName(QCoreApplication.translate("FindChild", u"Search", None))
#endif // QT_CONFIG(accessibility)
        self.new_child_button.setText(QCoreApplication.translate("FindChild", u"Ne&w child", None))
#if QT_CONFIG(accessibility)
        self.new_child_button.setAccessibleName(QCoreApplication.translate("FindChild", u"New child", None))
#endif // QT_CONFIG(accessibility)
        self.matches_label.setText(QCoreApplication.translate("FindChild", u"Probable matches", None))
#if QT_CONFIG(accessibility)
        self.matches_label.setAccessibleName(QCoreApplication.translate("FindChild", u"Probable matches heading", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.matches_list.setAccessibleName(QCoreApplication.translate("FindChild", u"Probable matches", None))
#endif // QT_CONFIG(accessibility)
        self.open_button.setText(QCoreApplication.translate("FindChild", u"&Open this child", None))
#if QT_CONFIG(accessibility)
        self.open_button.setAccessibleName(QCoreApplication.translate("FindChild", u"Open this child", None))
#endif // QT_CONFIG(accessibility)
        self.cancel_button.setText(QCoreApplication.translate("FindChild", u"Back to cases", None))
#if QT_CONFIG(accessibility)
        self.cancel_button.setAccessibleName(QCoreApplication.translate("FindChild", u"Back to cases", None))
#endif // QT_CONFIG(accessibility)
        self.message_label.setText("")
#if QT_CONFIG(accessibility)
        self.message_label.setAccessibleName(QCoreApplication.translate("FindChild", u"Search message", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

